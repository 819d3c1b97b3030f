package farmdesk.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import farmdesk.Json;
import farmdesk.events.Event;
import farmdesk.tickets.Text;

/**
 * What one stored event means for Web Push: who is told and what the notification says, or nothing. The
 * rule (docs/api.md "Web Push"): to the ticket's farmer, an admin's reply (never an internal note) and a
 * status change; to every admin, a new ticket; to the assigned admin (to every admin while the ticket is
 * unassigned), a farmer's message.
 *
 * @param to        who is told
 * @param userId    the farmer ({@link To#FARMER}) or the assigned admin ({@link To#ASSIGNEE}); null for every admin
 * @param kind      the payload's {@code kind}
 * @param title     the notification's title for this one notice
 * @param text      its short text, or null
 * @param urgency   RFC 8030 Urgency
 * @param messageId the message it is about (whoever has read up to it is not pushed), or null
 */
record PushNotice(To to, String userId, String kind, String title, String text, String urgency, Long messageId) {

    /** Who a notice is for. */
    enum To { FARMER, EVERY_ADMIN, ASSIGNEE }

    /** Characters of message text a push carries at most: the notification shows a line or two. */
    static final int TEXT_MAX = 140;

    /** The notice for {@code e}, or null when nobody is pushed for it. */
    static PushNotice of(Event e, boolean preview) {
        if (!e.isStored()) {
            return null;
        }
        JsonNode data;
        try {
            data = Json.read(e.data().getBytes(StandardCharsets.UTF_8));
        } catch (IOException bad) {
            return null;
        }
        switch (e.type()) {
            case Event.NEW_MESSAGE -> {
                JsonNode m = data.path("message");
                // nothing that is or reveals an internal note
                if (e.adminOnly() || m.path("internal").asBoolean(true)) {
                    return null;
                }
                long messageId = m.path("id").asLong();
                String role = m.path("senderRole").asText();
                if ("admin".equals(role)) {
                    String text = preview ? Text.preview(m.path("text").asText(""), TEXT_MAX) : null;
                    return new PushNotice(To.FARMER, e.farmerId(), "reply", "Support replied", text, "high", messageId);
                }
                JsonNode ticket = data.path("ticket");
                // a ticket's first message is created with it (the same instant): "new-ticket" told the admins
                if (!"farmer".equals(role) || m.path("createdAt").asText().equals(ticket.path("createdAt").asText())) {
                    return null;
                }
                String assignee = ticket.path("assigneeId").isTextual() ? ticket.path("assigneeId").asText() : null;
                return new PushNotice(assignee == null ? To.EVERY_ADMIN : To.ASSIGNEE, assignee, "farmer-message",
                        "Message from " + Text.preview(m.path("senderName").asText(""), 60),
                        Text.preview(m.path("text").asText(""), TEXT_MAX), "normal", messageId);
            }
            case Event.TICKET_UPDATED -> {
                JsonNode status = data.path("changes").path("status");
                if (e.adminOnly() || !status.isArray() || status.size() != 2) {
                    return null;
                }
                return new PushNotice(To.FARMER, e.farmerId(), "status", "Your ticket is " + status.get(1).asText(),
                        null, "normal", null);
            }
            case Event.TICKET_CREATED -> {
                JsonNode t = data.path("ticket");
                JsonNode first = t.path("lastMessage").path("id");
                return new PushNotice(To.EVERY_ADMIN, null, "new-ticket",
                        "New ticket from " + Text.preview(t.path("farmerName").asText(""), 60),
                        Text.preview(t.path("subject").asText(""), TEXT_MAX), "normal",
                        first.isNumber() ? first.asLong() : null);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The title of a push that folds {@code count} notices (the newest of kind {@code kind}): says how many,
     * since the text is only the newest one's.
     */
    static String title(String kind, String title, int count) {
        if (count <= 1) {
            return title;
        }
        return switch (kind) {
            case "reply" -> count + " new replies from support";
            case "farmer-message" -> count + " new messages" + (title.startsWith("Message from ")
                    ? " from " + title.substring("Message from ".length()) : ": " + title);
            default -> count + " updates: " + title;
        };
    }

    /** The JSON the page's service worker receives (the newest event's id: it drops a repeat). */
    static byte[] payload(long eventId, String kind, String ticketId, String title, String text, int count) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("eventId", eventId);
        p.put("kind", kind);
        p.put("ticketId", ticketId);
        p.put("title", title(kind, title, count));
        p.put("text", text);
        p.put("count", count);
        return Json.writeBytes(p);
    }
}
