package farmdesk.tickets;

import java.time.Instant;
import java.util.List;

/**
 * A message of a ticket, as the API and events show it. {@code attachments} is always present, empty when
 * none, in the order they were posted.
 */
public record Message(long id,
                      String ticketId,
                      String senderRole,
                      String senderId,
                      String senderName,
                      String text,
                      boolean internal,
                      String clientId,
                      Instant createdAt,
                      List<Attachment> attachments) {

    public Message {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public Message withAttachments(List<Attachment> list) {
        return new Message(id, ticketId, senderRole, senderId, senderName, text, internal, clientId, createdAt, list);
    }

    /**
     * The short form kept on a ticket as {@code lastMessage}: its {@code text} is a preview, the first
     * {@value #PREVIEW_MAX} characters. A ticket travels in every event of its messages (and in lists), so
     * the whole text there would be carried, stored and held in memory twice per message.
     */
    public record Summary(long id, String senderRole, String text, Instant createdAt) {

        public static final int PREVIEW_MAX = 200;

        public Summary {
            text = Text.preview(text, PREVIEW_MAX);
        }
    }
}
