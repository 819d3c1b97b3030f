package farmdesk.tickets;

import java.time.Instant;

/** A message of a ticket, as the API and events show it. */
public record Message(long id,
                      String ticketId,
                      String senderRole,
                      String senderId,
                      String senderName,
                      String text,
                      boolean internal,
                      String clientId,
                      Instant createdAt) {

    /** The short form kept on a ticket as {@code lastMessage}. */
    public record Summary(long id, String senderRole, String text, Instant createdAt) {
    }
}
