package farmdesk.hooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import farmdesk.testing.Api;
import farmdesk.testing.NodeWebhookVerifier;
import farmdesk.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the webhook tests share: the secret, short retry timings, the stored events, the checks. */
final class Hooked {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "farmdesk-webhook-test-secret-32b".getBytes());
    static final Duration WITHIN = Duration.ofSeconds(60);

    private Hooked() {
    }

    /** Endpoints {@code urls} with fast retries (50 ms doubling to 400 ms) and the usual lease. */
    static WebhookSettings settings(String urls, Duration pauseAfter) {
        return WebhookSettings.none().withEndpoints(urls, WebhookSecret.parse(SECRET))
                .withTimings(pauseAfter, Duration.ofMillis(50), Duration.ofMillis(400), WebhookSettings.DEFAULT_LEASE);
    }

    /** Every stored event a poll of {@code stream} (e.g. /api/admin/events) shows this token, oldest first. */
    static List<JsonNode> stored(Api api, String stream, String token) {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = api.get(stream + "/poll?timeout=0&after=" + after, token).json();
            if (page.get("events").isEmpty()) {
                return all;
            }
            page.get("events").forEach(all::add);
            after = page.get("next").asLong();
        }
    }

    /**
     * Verifies every request with the npm standardwebhooks library and checks that the ones answered 2xx,
     * deduplicated by webhook-id (at least once), are exactly {@code expected}, in order, with their data.
     * Returns the verified payloads of all requests.
     */
    static List<JsonNode> assertDelivered(List<JsonNode> expected, List<WebhookReceiver.Request> requests) throws Exception {
        List<JsonNode> verified = NodeWebhookVerifier.verify(SECRET, requests);
        for (JsonNode v : verified) {
            assertTrue(v.get("ok").asBoolean(), "standardwebhooks rejected a request: " + v);
        }
        List<Long> ids = new ArrayList<>();
        List<JsonNode> payloads = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            long id = Long.parseLong(requests.get(i).id());
            if (requests.get(i).answered() / 100 == 2 && (ids.isEmpty() || ids.getLast() != id)) {
                ids.add(id);
                payloads.add(verified.get(i).get("payload"));
            }
        }
        assertEquals(expected.stream().map(e -> e.get("id").asLong()).toList(), ids,
                "exactly the stored events, in id order, no gap");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).get("type").asText(), payloads.get(i).get("type").asText());
            assertEquals(expected.get(i).get("data"), payloads.get(i).get("data"), "the data as streams send it");
        }
        return verified;
    }

    static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    }
}
