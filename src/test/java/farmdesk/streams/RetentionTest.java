package farmdesk.streams;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.LogCapture;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 1: the event log is pruned (FARMDESK_RETENTION_DAYS, FARMDESK_RETENTION_EVENTS), and a
 * resume, over SSE or poll, from an id older than what is kept gets {@code reset} first, never a silent
 * jump to the oldest event kept. Tickets and messages are never pruned. On H2 and PostgreSQL (the suite
 * runs twice).
 */
@FarmdeskServer
class RetentionTest {

    /** What an operator did by hand before retention existed: the resume then started at the oldest row left. */
    @Test
    void aResumeFromAnIdDeletedFromTheLogGetsAResetNotTheOldestEventLeft(Servers servers) throws Exception {
        Settings settings = TestSettings.builder().recentEventsBytes(0).build();
        Farmdesk app = servers.start(settings);
        Api api = new Api(app.port());
        Scene scene = Scene.of(api, "hand", 6);
        long deletedUpTo = scene.ids.get(3);
        sql(settings, "DELETE FROM events WHERE id <= " + deletedUpTo);
        assertResetFrom(api, scene, scene.ids.get(1));
        assertResumesFrom(api, scene, scene.ids.get(4));
    }

    @Test
    void eventsBeyondTheNewestNArePrunedAndAResumeFromOneOfThemGetsAReset(Servers servers) throws Exception {
        Farmdesk app = servers.start(settings -> settings.retentionEvents(3));
        Api api = new Api(app.port());
        Scene scene = Scene.of(api, "count", 8); // ticket-created + 8 new-message events
        long pruned = app.retention().pruneOnce(Instant.now());
        assertEquals(scene.ids.size() + 1 - 3, pruned, "all but the newest 3");
        assertEquals(scene.ids.get(scene.ids.size() - 3), app.retention().oldestKept());
        assertResetFrom(api, scene, scene.ids.get(0));
        assertResetFrom(api, scene, scene.ids.get(scene.ids.size() - 4)); // the newest pruned
        assertResumesFrom(api, scene, scene.ids.get(scene.ids.size() - 3)); // the oldest kept
        assertEquals(0, app.retention().pruneOnce(Instant.now()), "nothing new: nothing more");
        assertMessagesIntact(api, scene);
    }

    @Test
    void eventsOlderThanTheRetentionDaysArePrunedButNeverTheNewest(Servers servers) throws Exception {
        // the default settings (90 days), but not the class's server: the prune empties the whole log
        Farmdesk app = servers.start(TestSettings.inMemory());
        Api api = new Api(app.port());
        Scene scene = Scene.of(api, "days", 4);
        assertEquals(0, app.retention().pruneOnce(Instant.now().plus(Duration.ofDays(89))), "none is 90 days old");
        long pruned = app.retention().pruneOnce(Instant.now().plus(Duration.ofDays(91)));
        assertEquals(scene.ids.size(), pruned, "every event but the newest: its id is where clients start from now");
        assertEquals(scene.ids.getLast(), app.retention().oldestKept());
        assertResetFrom(api, scene, scene.ids.get(2));
        assertResumesFrom(api, scene, scene.ids.getLast());
        assertMessagesIntact(api, scene);
    }

    @Test
    void thePrunerRunsByItselfAndLogsOneLinePerRunThatPruned(Servers servers) throws Exception {
        try (LogCapture log = LogCapture.start()) {
            Farmdesk app = servers.start(settings -> settings.retentionEvents(2).pruneEvery(Duration.ofMillis(50)));
            Api api = new Api(app.port());
            Scene scene = Scene.of(api, "background", 5);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (app.retention().oldestKept() != scene.ids.get(scene.ids.size() - 2) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(scene.ids.get(scene.ids.size() - 2), app.retention().oldestKept(), "pruned in the background");
            assertResetFrom(api, scene, scene.ids.getFirst());
            List<String> lines = log.records().stream().map(r -> r.getMessage())
                    .filter(m -> m != null && m.startsWith("retention: pruned")).toList();
            assertTrue(!lines.isEmpty() && lines.getFirst().contains("oldest kept id"), lines.toString());
            String metrics = api.get("/observe/metrics", null).body();
            assertTrue(metrics.contains("farmdesk_events_pruned_total") && metrics.contains("farmdesk_events_oldest_kept_id"),
                    "metrics for the operator");
        }
    }

    /** A ticket with messages; {@code ids[i]}: the id of the new-message event of {@code texts[i]}. */
    private record Scene(String ticket, String farmer, String admin, List<Long> ids, List<String> texts) {

        static Scene of(Api api, String name, int messages) {
            String farmer = api.farmer("F-" + name);
            String admin = api.admin("A-" + name);
            String ticket = api.createTicket(farmer, "Retention " + name, "first");
            List<Long> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>(List.of("first"));
            ids.add(latest(api, admin)); // the first message's new-message (after the ticket-created event)
            for (int i = 0; i < messages; i++) {
                String text = name + " " + i;
                api.postMessage(admin, ticket, text);
                texts.add(text);
                ids.add(latest(api, admin));
            }
            return new Scene(ticket, farmer, admin, ids, texts);
        }
    }

    private static void assertResetFrom(Api api, Scene scene, long pruned) throws Exception {
        long newest = latest(api, scene.admin);
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + scene.ticket + "/events", scene.farmer,
                "Last-Event-ID", Long.toString(pruned))) {
            SseClient.Event first = s.next();
            assertEquals("reset", first.type(), "SSE resume from " + pruned + ": " + first);
            assertEquals(newest, first.json().get("latest").asLong());
            assertEquals(Long.toString(newest), first.id());
        }
        JsonNode poll = api.get("/api/tickets/" + scene.ticket + "/events/poll?timeout=0&after=" + pruned, scene.farmer).json();
        assertEquals("reset", poll.at("/events/0/type").asText(), "poll after " + pruned + ": " + poll);
        assertEquals(newest, poll.at("/events/0/data/latest").asLong());
        assertEquals(newest, poll.get("next").asLong());
        JsonNode again = api.get("/api/tickets/" + scene.ticket + "/events/poll?timeout=0&after=" + newest, scene.farmer).json();
        assertEquals(0, again.get("events").size(), "the reset's next is an id the log holds: no second reset " + again);
    }

    /** From an id still kept: exactly the events after it, no reset. */
    private static void assertResumesFrom(Api api, Scene scene, long kept) throws Exception {
        int from = scene.ids.indexOf(kept) + 1;
        List<String> expected = scene.texts.subList(from, scene.texts.size());
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + scene.ticket + "/events", scene.farmer,
                "Last-Event-ID", Long.toString(kept))) {
            for (String text : expected) {
                SseClient.Event e = s.next();
                assertEquals("new-message", e.type(), e.toString());
                assertEquals(text, e.json().at("/message/text").asText());
            }
        }
        JsonNode poll = api.get("/api/tickets/" + scene.ticket + "/events/poll?timeout=0&after=" + kept, scene.farmer).json();
        List<String> polled = new ArrayList<>();
        poll.get("events").forEach(e -> polled.add(e.at("/data/message/text").asText()));
        assertEquals(expected, polled);
    }

    /** Retention prunes events only: the ticket and every message are still there. */
    private static void assertMessagesIntact(Api api, Scene scene) {
        JsonNode ticket = api.get("/api/tickets/" + scene.ticket, scene.farmer).json();
        List<String> texts = new ArrayList<>();
        ticket.get("messages").forEach(m -> texts.add(m.get("text").asText()));
        assertEquals(scene.texts, texts);
    }

    private static long latest(Api api, String admin) {
        return api.get("/api/admin/events/poll", admin).json().get("next").asLong();
    }

    private static void sql(Settings settings, String statement) throws SQLException {
        String url = settings.isH2() ? settings.dbUrl() + ";DATABASE_TO_LOWER=TRUE" : settings.dbUrl();
        try (Connection c = DriverManager.getConnection(url, settings.effectiveDbUser(), settings.effectiveDbPassword());
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
