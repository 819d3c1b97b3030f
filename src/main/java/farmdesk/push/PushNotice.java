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
 * What one stored event means for Web Push: who is told (the ticket's farmer, or every admin) and the
 * payload the service worker shows, or nothing. The rule (docs/api.md "Web Push"): to a farmer, an
 * admin's reply (never an internal note) and a status change on their ticket; to admins, a new ticket.
 *
 * @param toFarmer the farmer to tell, or null when admins are told
 * @param payload  the JSON the page's service worker receives (carries the event id: it drops a repeat)
 * @param urgency  RFC 8030 Urgency
 */
record PushNotice(String toFarmer, byte[] payload, String urgency) {

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
                // an admin's reply the farmer can see: not an internal note, not news that reveals one
                if (e.adminOnly() || m.path("internal").asBoolean(true) || !"admin".equals(m.path("senderRole").asText())) {
                    return null;
                }
                String text = preview ? Text.preview(m.path("text").asText(""), TEXT_MAX) : null;
                return new PushNotice(e.farmerId(), payload(e, "reply", data.path("ticketId").asText(),
                        "Support replied", text), "high");
            }
            case Event.TICKET_UPDATED -> {
                JsonNode status = data.path("changes").path("status");
                if (e.adminOnly() || !status.isArray() || status.size() != 2) {
                    return null;
                }
                return new PushNotice(e.farmerId(), payload(e, "status", data.path("ticketId").asText(),
                        "Your ticket is " + status.get(1).asText(), null), "normal");
            }
            case Event.TICKET_CREATED -> {
                JsonNode t = data.path("ticket");
                return new PushNotice(null, payload(e, "new-ticket", t.path("id").asText(),
                        "New ticket from " + Text.preview(t.path("farmerName").asText(""), 60),
                        Text.preview(t.path("subject").asText(""), TEXT_MAX)), "normal");
            }
            default -> {
                return null;
            }
        }
    }

    private static byte[] payload(Event e, String kind, String ticketId, String title, String text) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("eventId", e.id());
        p.put("kind", kind);
        p.put("ticketId", ticketId);
        p.put("title", title);
        p.put("text", text);
        return Json.writeBytes(p);
    }
}
