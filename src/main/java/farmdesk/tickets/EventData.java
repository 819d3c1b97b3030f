package farmdesk.tickets;

import java.util.List;
import java.util.Map;

/** The {@code data} of each stored event type, exactly as the contract names its keys. */
final class EventData {

    private EventData() {
    }

    record TicketCreated(Ticket ticket) {
    }

    record NewMessage(String ticketId, Message message, Ticket ticket) {
    }

    /** {@code changes} maps a field to {@code [before, after]}. */
    record TicketUpdated(String ticketId, Ticket ticket, Map<String, List<String>> changes) {
    }

    record TicketRead(String ticketId, String readerRole, String readerId, long messageId) {
    }

    record Typing(String ticketId, String role, String name) {
    }
}
