package farmdesk.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;
import farmdesk.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed webhooks from the log (docs/api.md "Webhooks"), one instance, H2 or PostgreSQL. */
@FarmdeskServer
class WebhookDeliveryTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void everyStoredEventOfTheChosenTypesArrivesSignedInOrder(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(Hooked.settings(
                    receiver.url("/all") + "; " + receiver.url("/notes") + " new-message,internal", DAY)));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-hook");
            String admin = api.admin("A-hook");
            String ticket = api.createTicket(farmer, "Seeds", "Which maize for sandy soil?");
            api.postMessage(admin, ticket, "Try the drought-tolerant one");
            api.post("/api/tickets/" + ticket + "/messages", admin, "{\"text\":\"farmer called twice\",\"internal\":true}");
            api.patch("/api/tickets/" + ticket, admin, "{\"status\":\"pending\"}");
            api.createTicket(farmer, "Payment", "Not paid yet");

            List<JsonNode> all = Hooked.stored(api, "/api/admin/events", admin);
            // the farmer's own view: every event of their tickets except the admin-only ones
            List<JsonNode> forFarmer = Hooked.stored(api, "/api/farmers/F-hook/events", farmer);
            List<JsonNode> messages = Hooked.ofType(all, "new-message");
            assertTrue(forFarmer.size() < all.size(), "the internal note is admin-only");
            int total = forFarmer.size() + messages.size();
            List<WebhookReceiver.Request> got = receiver.awaitRequests(r -> r.size() >= total, Hooked.WITHIN);

            Hooked.assertDelivered(forFarmer, got.stream().filter(r -> r.headers().containsKey("webhook-id")
                    && isPath(r, "/all")).toList());
            List<JsonNode> notes = Hooked.assertDelivered(messages, got.stream().filter(r -> isPath(r, "/notes")).toList());
            assertTrue(notes.stream().anyMatch(n -> n.at("/payload/adminOnly").asBoolean()
                    && n.at("/payload/data/message/internal").asBoolean()), "the internal note, marked adminOnly");

            JsonNode status = api.get("/api/admin/webhooks", admin).json().get("webhooks");
            assertEquals(2, status.size());
            assertEquals(forFarmer.size(), status.get(0).get("delivered").asInt());
            assertEquals(messages.size(), status.get(1).get("delivered").asInt());
            assertEquals(List.of("new-message"), List.of(status.get(1).get("types").get(0).asText()));
        }
    }

    @Test
    void receiverErrorsAndAReceiverDownForAWhileLoseNothing(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(Hooked.settings(receiver.url("/hook"), DAY)));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-err");
            String admin = api.admin("A-err");
            receiver.answerNext(500, 500, 503, 404);
            String ticket = api.createTicket(farmer, "Errors", "first");
            api.postMessage(admin, ticket, "answer 1");
            receiver.awaitAccepted(2, Hooked.WITHIN);

            receiver.stop();
            for (int i = 0; i < 5; i++) {
                api.postMessage(farmer, ticket, "while down " + i);
            }
            JsonNode failing = awaitStatus(api, admin, s -> s.get("failingSince").isTextual());
            assertTrue(failing.get("lag").asInt() >= 1, "lag shows what waits: " + failing);
            String metrics = api.get("/observe/metrics", null).body();
            for (String meter : List.of("farmdesk_webhook_delivered", "farmdesk_webhook_lag", "farmdesk_webhook_failing_seconds",
                    "farmdesk_webhook_paused")) {
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith(meter) && l.contains("endpoint=\"1\"")),
                        meter + " at /observe/metrics");
            }
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("farmdesk_webhook_lag") && !l.endsWith(" 0.0")),
                    "the lag while the receiver is down");
            receiver.start();
            api.postMessage(admin, ticket, "after");

            List<JsonNode> expected = Hooked.stored(api, "/api/admin/events", admin);
            Hooked.assertDelivered(expected, receiver.awaitAccepted(expected.size(), Hooked.WITHIN));
            assertTrue(receiver.requests().stream().anyMatch(r -> r.answered() == 500), "errors were answered");
        }
    }

    @Test
    void aRestartContinuesFromTheDurableCursor(Servers servers, @TempDir Path dir) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Settings settings = TestSettings.file(dir).toBuilder().webhooks(Hooked.settings(receiver.url("/hook"), DAY)).build();
            Farmdesk first = servers.start(settings);
            Api api = new Api(first.port());
            String farmer = api.farmer("F-restart");
            String ticket = api.createTicket(farmer, "Restart", "before");
            receiver.awaitAccepted(2, Hooked.WITHIN);
            receiver.stop();
            api.postMessage(farmer, ticket, "posted while the receiver is down");
            api.postMessage(farmer, ticket, "and another");
            servers.stop(first);

            receiver.start();
            Farmdesk second = servers.start(settings);
            Api again = new Api(second.port());
            again.postMessage(farmer, ticket, "after the restart");
            List<JsonNode> expected = Hooked.stored(again, "/api/admin/events", again.admin("A-restart"));
            assertEquals(5, expected.size());
            Hooked.assertDelivered(expected, receiver.awaitAccepted(expected.size(), Hooked.WITHIN));
        }
    }

    @Test
    void pausedAfterFailingLongEnoughAndResumedByAnAdmin(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(Hooked.settings(receiver.url("/hook"), Duration.ofSeconds(1))));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-pause");
            String admin = api.admin("A-pause");
            receiver.stop();
            api.createTicket(farmer, "Pause", "nobody listens");
            awaitStatus(api, admin, s -> s.get("paused").asBoolean());
            receiver.start();

            assertEquals(403, api.post("/api/admin/webhooks/1/resume", farmer, null).status());
            assertEquals(404, api.post("/api/admin/webhooks/2/resume", admin, null).status());
            assertEquals(400, api.post("/api/admin/webhooks/x/resume", admin, null).status());
            assertEquals(403, api.get("/api/admin/webhooks", farmer).status());
            Api.Answer resumed = api.post("/api/admin/webhooks/1/resume", admin, null);
            assertEquals(200, resumed.status());
            assertFalse(resumed.json().get("paused").asBoolean());

            List<JsonNode> expected = Hooked.stored(api, "/api/admin/events", admin);
            Hooked.assertDelivered(expected, receiver.awaitAccepted(expected.size(), Hooked.WITHIN));
        }
    }

    @Test
    void retentionKeepsWhatAnEndpointHasNotReceived(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            // keep only the newest event: without the hold, a run would prune what the endpoint still needs
            Farmdesk app = servers.start(b -> b.retentionEvents(1).pruneEvery(Duration.ofHours(1))
                    .webhooks(Hooked.settings(receiver.url("/hook"), DAY)));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-keep");
            String admin = api.admin("A-keep");
            receiver.stop();
            String ticket = api.createTicket(farmer, "Keep", "while the receiver is down");
            api.postMessage(admin, ticket, "answer");
            List<JsonNode> expected = Hooked.stored(api, "/api/admin/events", admin);
            assertEquals(3, expected.size());
            app.retention().pruneOnce(java.time.Instant.now());
            assertEquals(expected, Hooked.stored(api, "/api/admin/events", admin), "nothing undelivered pruned");

            receiver.start();
            Hooked.assertDelivered(expected, receiver.awaitAccepted(expected.size(), Hooked.WITHIN));
            // delivered: now retention may prune them
            awaitStatus(api, admin, s -> s.get("lag").asInt() == 0);
            app.retention().pruneOnce(java.time.Instant.now());
            assertEquals(1, Hooked.stored(api, "/api/admin/events", admin).size());
        }
    }

    @Test
    void urlsWithoutAValidSecretRefuseToStart() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of(
                "FARMDESK_WEBHOOK_URL", "https://market.example/hooks")));
        assertTrue(none.getMessage().contains("FARMDESK_WEBHOOK_SECRET"), none.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of(
                "FARMDESK_WEBHOOK_URL", "https://market.example/hooks", "FARMDESK_WEBHOOK_SECRET", "hunter2")));
        assertTrue(bad.getMessage().contains("whsec_"), bad.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of(
                "FARMDESK_WEBHOOK_URL", "https://market.example/hooks new-mesage", "FARMDESK_WEBHOOK_SECRET", Hooked.SECRET)));
        assertTrue(type.getMessage().contains("new-mesage"), type.getMessage());
        Settings ok = Settings.fromEnvironment(Map.of("FARMDESK_WEBHOOK_URL",
                "https://a.example/h; https://b.example/sms?key=1 new-message,ticket-updated", "FARMDESK_WEBHOOK_SECRET", Hooked.SECRET));
        assertEquals(2, ok.webhooks().endpoints().size());
        assertEquals(java.util.Set.of("new-message", "ticket-updated"), ok.webhooks().endpoints().get(1).types());
        assertEquals("https://b.example/sms", ok.webhooks().endpoints().get(1).shownUrl());
    }

    private static boolean isPath(WebhookReceiver.Request r, String path) {
        return path.equals(r.headers().get(":path"));
    }

    /** Reads GET /api/admin/webhooks until endpoint 1 matches (bounded); returns it. */
    static JsonNode awaitStatus(Api api, String admin, java.util.function.Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Hooked.WITHIN.toNanos();
        JsonNode s = null;
        while (System.nanoTime() < deadline) {
            s = api.get("/api/admin/webhooks", admin).json().get("webhooks").get(0);
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("endpoint 1 never reached the awaited state: " + s);
    }
}
