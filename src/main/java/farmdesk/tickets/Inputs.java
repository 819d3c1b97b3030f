package farmdesk.tickets;

import java.util.List;

/** What clients send, already parsed from JSON (types checked) but not yet validated by the rules. */
public final class Inputs {

    private Inputs() {
    }

    public record NewTicket(String subject, String text, String category, String priority, String clientId) {
    }

    /** @param attachments upload ids as sent (null: none); their count and distinctness are rules, checked later */
    public record NewMessage(String text, String clientId, boolean internal, List<String> attachments) {
    }

    /**
     * A PATCH: null means "not given", except for the assignee where {@code assigneeGiven} tells
     * "unassign" ({@code "assigneeId": null}) from "leave it".
     */
    public record TicketPatch(String status, String priority, String category, boolean assigneeGiven, String assigneeId) {

        public boolean touchesMoreThanStatus() {
            return priority != null || category != null || assigneeGiven;
        }
    }

    /** Filters (status, assignee, one farmer's), search ({@code q}) and order ({@code sort}) of the ticket list. */
    public record ListQuery(String status, String assignee, String farmer, String search, String sort, int limit,
                            String cursor) {
    }
}
