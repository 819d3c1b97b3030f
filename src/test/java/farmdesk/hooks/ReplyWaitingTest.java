package farmdesk.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The derived event reply-waiting (docs/api.md "Webhooks"), with a wait of seconds. "Not emitted" and "once"
 * are shown without timing: the sweep decides replies oldest first, so once the event of a later reply has
 * arrived, every earlier reply has been decided (and none again).
 */
@FarmdeskServer
class ReplyWaitingTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WAIT = Duration.ofSeconds(2);

    private static WebhookSettings hook(WebhookReceiver receiver, Duration wait) {
        return Hooked.settings(receiver.url("/hook") + " reply-waiting", DAY).withReplyWaiting(wait);
    }

    /** Waits until the receiver accepted a reply-waiting for {@code ticket}. */
    private static void awaitWaiting(WebhookReceiver receiver, String ticket) throws InterruptedException {
        receiver.awaitRequests(all -> all.stream().anyMatch(r -> r.answered() / 100 == 2
                && r.body().contains("\"ticketId\":\"" + ticket + "\"")), Hooked.WITHIN);
    }

    private static List<JsonNode> waitingIn(Api api, String ticket) {
        return Hooked.ofType(Hooked.stored(api, "/api/admin/events", api.admin("A-look")), "reply-waiting").stream()
                .filter(e -> e.at("/data/ticketId").asText().equals(ticket)).toList();
    }

    @Test
    void emittedOnceAfterTheWaitSignedAndNotShownToTheFarmer(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(hook(receiver, WAIT)));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-rw1");
            String admin = api.admin("A-rw1");
            String ticket = api.createTicket(farmer, "Seeds", "when do they come?");
            long reply = api.postMessage(admin, ticket, "on Monday").get("id").asLong();
            api.postMessage(admin, ticket, "or Tuesday"); // the same unread stretch: no second event
            awaitWaiting(receiver, ticket);
            String later = api.createTicket(farmer, "Later", "another one");
            api.postMessage(admin, later, "answered");
            awaitWaiting(receiver, later);

            List<JsonNode> events = waitingIn(api, ticket);
            assertEquals(1, events.size(), "once: " + events);
            JsonNode data = events.getFirst().get("data");
            assertEquals(ticket, data.get("ticketId").asText());
            assertEquals("F-rw1", data.get("farmerId").asText());
            assertEquals(reply, data.get("messageId").asLong());
            assertTrue(Instant.parse(data.get("waitingSince").asText()).isBefore(Instant.now()));
            // signed, verified by the npm standardwebhooks library, exactly the stored reply-waiting events in order
            List<JsonNode> all = Hooked.ofType(Hooked.stored(api, "/api/admin/events", admin), "reply-waiting");
            assertEquals(2, all.size());
            Hooked.assertDelivered(all, receiver.requests());
            assertTrue(receiver.accepted().stream().noneMatch(r -> r.body().contains("adminOnly")),
                    "not marked as an internal note: telling the farmer is what it is for");
            assertEquals(List.of(), Hooked.ofType(Hooked.stored(api, "/api/farmers/F-rw1/events", farmer), "reply-waiting"),
                    "admins only on streams");
        }
    }

    @Test
    void notEmittedWhenTheFarmerReadsInTimeNorForAnInternalNote(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            // a longer wait: the farmer's read below must come before it even on a busy machine
            Farmdesk app = servers.start(b -> b.webhooks(hook(receiver, Duration.ofSeconds(8))));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-rw2");
            String admin = api.admin("A-rw2");
            String read = api.createTicket(farmer, "Read", "question");
            long reply = api.postMessage(admin, read, "the answer").get("id").asLong();
            assertEquals(204, api.post("/api/tickets/" + read + "/read", farmer, "{\"messageId\":" + reply + "}").status());
            String noted = api.createTicket(farmer, "Noted", "question");
            api.post("/api/tickets/" + noted + "/messages", admin, "{\"text\":\"call the depot\",\"internal\":true}");
            String answered = api.createTicket(farmer, "Answered", "question");
            api.postMessage(admin, answered, "see you there"); // answered by the farmer: not waiting
            api.postMessage(farmer, answered, "thanks");
            String unread = api.createTicket(farmer, "Unread", "question");
            api.postMessage(admin, unread, "nobody reads this");
            awaitWaiting(receiver, unread);

            assertEquals(List.of(), waitingIn(api, read), "read in time");
            assertEquals(List.of(), waitingIn(api, noted), "an internal note is not a reply");
            assertEquals(List.of(), waitingIn(api, answered), "the farmer wrote after it");
            assertEquals(1, waitingIn(api, unread).size());
        }
    }

    @Test
    void aRestartNeitherLosesNorRepeatsIt(Servers servers, @TempDir Path dir) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Settings settings = TestSettings.file(dir).toBuilder().webhooks(hook(receiver, Duration.ofSeconds(3))).build();
            Farmdesk first = servers.start(settings);
            Api api = new Api(first.port());
            String farmer = api.farmer("F-rw3");
            String admin = api.admin("A-rw3");
            String before = api.createTicket(farmer, "Before", "question");
            api.postMessage(admin, before, "answered just before the stop");
            servers.stop(first); // (almost always) before the wait is over: the next start reports it

            Farmdesk second = servers.start(settings);
            api = new Api(second.port());
            awaitWaiting(receiver, before);
            String emitted = api.createTicket(farmer, "Emitted", "question");
            api.postMessage(admin, emitted, "reported, then a restart");
            awaitWaiting(receiver, emitted);
            servers.stop(second);

            Farmdesk third = servers.start(settings);
            api = new Api(third.port());
            String after = api.createTicket(farmer, "After", "question");
            api.postMessage(admin, after, "after the restarts");
            awaitWaiting(receiver, after);
            assertEquals(1, waitingIn(api, before).size(), "not lost, not repeated");
            assertEquals(1, waitingIn(api, emitted).size(), "not repeated after the restart");
        }
    }

    @Test
    @Tag("postgres-only")
    void twoInstancesEmitItOnce(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Settings shared = TestSettings.postgres().toBuilder().webhooks(hook(receiver, WAIT)).build();
            Farmdesk a = servers.start(shared);
            Farmdesk b = servers.start(shared);
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String farmer = onA.farmer("F-rw4");
            List<String> tickets = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Api on = i % 2 == 0 ? onA : onB;
                String t = on.createTicket(farmer, "Two " + i, "question");
                on.postMessage(on.admin("A-rw4"), t, "answer " + i);
                tickets.add(t);
            }
            awaitWaiting(receiver, tickets.getLast());
            String marker = onB.createTicket(farmer, "Marker", "question");
            onA.postMessage(onA.admin("A-rw4"), marker, "answer");
            awaitWaiting(receiver, marker);
            for (String t : tickets) {
                assertEquals(1, waitingIn(onB, t).size(), "exactly one instance emitted it for " + t);
            }
        }
    }

    @Test
    void theWaitIsSetInMinutesWithAFractionAndBadValuesStopTheStart() {
        assertEquals(Duration.ofSeconds(30), WebhookSettings.parse(null, null, null, "0.5").replyWaiting());
        assertEquals(Duration.ofMinutes(10), WebhookSettings.parse(null, null, null, null).replyWaiting());
        assertEquals(Duration.ZERO, WebhookSettings.parse(null, null, null, "0").replyWaiting());
        for (String bad : List.of("ten", "-1", "1e9", "0,5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebhookSettings.parse(null, null, null, bad));
            assertTrue(e.getMessage().contains("FARMDESK_REPLY_WAITING_MINUTES"), e.getMessage());
        }
        assertEquals(java.util.Set.of("reply-waiting"), WebhookSettings.parse("https://sms.example/hook reply-waiting",
                Hooked.SECRET, null).endpoints().getFirst().types(), "a type an endpoint can choose");
    }
}
