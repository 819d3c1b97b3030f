package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.hooks.WebhookSettings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;
import farmdesk.testing.WebhookReceiver;

/**
 * Measures commit to push request and commit to webhook request (docs/benchmarks.md): one instance, a push
 * subscription per farmer at the test push service and one webhook endpoint (new-message), both on loopback.
 * Each of {@code bench.events} tickets (after {@code bench.warmup} not counted) gets one admin reply, 50 ms
 * apart; the delay is the event's stored time (taken just before its commit, as the webhook carries it) to
 * the first byte of the push request (after its decryption is not counted: the time is taken first) and of
 * the webhook request. Same clock for both ends. A ticket and a farmer per reply: a push policy that groups
 * per ticket or waits for a read still sends each one (FARMDESK_PUSH_GRACE_SECONDS=0 is set for a policy
 * with a grace period). Not part of the suite: {@code -Dtest=DeliveryDelayBench}; prints RESULT lines.
 */
@FarmdeskServer
class DeliveryDelayBench {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("farmdesk-bench-secret-32-bytes!!".getBytes());

    @Test
    void commitToPushAndWebhook(Servers servers) throws Exception {
        int events = Integer.getInteger("bench.events", 300);
        int warmup = Integer.getInteger("bench.warmup", 30);
        int total = events + warmup;
        try (TestPushService service = new TestPushService(); WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Map<String, String> env = new HashMap<>();
            env.put("FARMDESK_PUSH_ENDPOINT_ALLOW", service.prefix());
            env.put("FARMDESK_PUSH_GRACE_SECONDS", "0"); // the machinery, not a grace period
            Farmdesk app = servers.start(TestSettings.builder()
                    .push(PushSettings.fromEnvironment(env))
                    .webhooks(WebhookSettings.parse(receiver.url("/hook") + " new-message", SECRET, null)).build());
            Api api = new Api(app.port());
            service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
            String admin = api.admin("A-bench");
            List<String> tickets = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                String farmer = api.farmer("F-bench-" + i);
                BrowserSubscription phone = service.subscription("bench-" + i);
                if (api.post("/api/push/subscriptions", farmer, phone.json()).status() != 201) {
                    throw new IllegalStateException("subscription refused");
                }
                tickets.add(api.createTicket(farmer, "Bench " + i, "question " + i));
            }
            receiver.awaitAccepted(total, Duration.ofMinutes(2)); // the tickets' first messages
            for (String ticket : tickets) {
                api.postMessage(admin, ticket, "answer");
                Thread.sleep(50);
            }
            List<WebhookReceiver.Request> hooks = receiver.awaitAccepted(2 * total, Duration.ofMinutes(2));
            List<TestPushService.Push> pushes = new ArrayList<>();
            while (pushes.size() < total) {
                pushes.add(service.next());
            }
            Map<Long, Instant> stored = new HashMap<>();
            List<Long> hookMicros = new ArrayList<>();
            for (WebhookReceiver.Request r : hooks.subList(total + warmup, hooks.size())) {
                JsonNode body = Api.parse(r.body());
                Instant at = Instant.parse(body.get("timestamp").asText());
                stored.put(Long.parseLong(r.id()), at);
                hookMicros.add(Duration.between(at, r.receivedAt()).toNanos() / 1000);
            }
            List<Long> pushMicros = new ArrayList<>();
            for (TestPushService.Push p : pushes) {
                Instant at = stored.get(p.eventId());
                if (at != null) {
                    pushMicros.add(Duration.between(at, p.receivedAt()).toNanos() / 1000);
                }
            }
            String db = System.getProperty("farmdesk.test.db", "h2");
            print("commit->push", db, pushMicros);
            print("commit->webhook", db, hookMicros);
        }
    }

    private static void print(String what, String db, List<Long> micros) {
        micros.sort(null);
        System.out.printf("RESULT %s %s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, db, micros.size(),
                micros.get(micros.size() / 2) / 1000.0, micros.get((int) (micros.size() * 0.99)) / 1000.0,
                micros.getLast() / 1000.0);
    }
}
