package farmdesk.hooks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import farmdesk.events.Event;

/** An event as read from the log for delivery, and the webhook body made of it. */
record StoredEvent(long id, String type, boolean adminOnly, String data, Instant createdAt) {

    /**
     * {@code {"type":..,"timestamp":..,"data":{..}}} (the Standard Webhooks payload shape): data is the event's
     * data exactly as streams send it, timestamp when it was stored. Admin-only events (internal notes and
     * what reveals them) also say {@code "adminOnly":true}: never to be shown or texted to a farmer.
     */
    byte[] body() {
        String json = "{\"type\":\"" + type + "\",\"timestamp\":\"" + createdAt + "\""
                + (internal() ? ",\"adminOnly\":true" : "") + ",\"data\":" + data + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An internal note or what reveals one: sent only to endpoints that chose {@code internal}. Not
     * {@code reply-waiting}: admin-only on streams (not news for the farmer's page), but it reveals no note,
     * and telling the farmer (by SMS) is what it is for.
     */
    boolean internal() {
        return adminOnly && !Event.REPLY_WAITING.equals(type);
    }
}
