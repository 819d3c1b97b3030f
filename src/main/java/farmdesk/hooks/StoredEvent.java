package farmdesk.hooks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** An event as read from the log for delivery, and the webhook body made of it. */
record StoredEvent(long id, String type, boolean adminOnly, String data, Instant createdAt) {

    /**
     * {@code {"type":..,"timestamp":..,"data":{..}}} (the Standard Webhooks payload shape): data is the event's
     * data exactly as streams send it, timestamp when it was stored. Admin-only events (internal notes and
     * what reveals them) also say {@code "adminOnly":true}: never to be shown or texted to a farmer.
     */
    byte[] body() {
        String json = "{\"type\":\"" + type + "\",\"timestamp\":\"" + createdAt + "\""
                + (adminOnly ? ",\"adminOnly\":true" : "") + ",\"data\":" + data + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
