package farmdesk.instances;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ConcurrentWorkload;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.StoppablePostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two instances on one PostgreSQL database: same ids, same guarantees as one instance. */
@FarmdeskServer
@Tag("postgres-only")
class MultiInstanceTest {

    @Test
    void anEventPostedOnOneInstanceReachesStreamsOnTheOther(Servers servers) throws Exception {
        Settings shared = TestSettings.postgres();
        Farmdesk a = servers.start(shared);
        Farmdesk b = servers.start(shared);
        Api onA = new Api(a.port());
        Api onB = new Api(b.port());
        String farmer = onA.farmer("F-multi");
        String admin = onA.admin("A-multi");
        String ticket = onA.createTicket(farmer, "Across", "instances");
        // as the pages do: start after the newest id (a poll without `after`), so the ticket's own events,
        // which may reach instance B after its streams opened, are not part of what is asserted
        long from = onA.get("/api/admin/events/poll", admin).json().get("next").asLong();
        String after = "?lastEventId=" + from;
        try (SseClient streamA = SseClient.open(onA.base(), "/api/tickets/" + ticket + "/events" + after, admin);
             SseClient streamB = SseClient.open(onB.base(), "/api/tickets/" + ticket + "/events" + after, admin);
             SseClient farmerB = SseClient.open(onB.base(), "/api/farmers/F-multi/events" + after, farmer)) {
            onA.postMessage(farmer, ticket, "posted on A");
            SseClient.Event seenOnA = streamA.next();
            SseClient.Event seenOnB = streamB.next();
            assertEquals("posted on A", seenOnB.json().at("/message/text").asText());
            assertEquals(seenOnA.id(), seenOnB.id(), "the same id everywhere");
            assertEquals(seenOnA.data(), seenOnB.data(), "the same bytes everywhere");

            onB.postMessage(admin, ticket, "posted on B");
            assertEquals("posted on B", streamA.next().json().at("/message/text").asText());

            // typing is live only but still crosses instances; not to the typist's own streams
            onA.post("/api/tickets/" + ticket + "/typing", admin, null);
            assertEquals("posted on A", farmerB.next().json().at("/message/text").asText());
            assertEquals("posted on B", farmerB.next().json().at("/message/text").asText());
            SseClient.Event t = farmerB.next();
            assertEquals("typing", t.type());
            assertNull(t.id());
            assertEquals("admin", t.json().get("role").asText());
        }
    }

    @Test
    void concurrentWritersOnBothInstancesWithRandomResubscribes(Servers servers) throws Exception {
        Settings shared = TestSettings.postgres();
        Farmdesk a = servers.start(shared);
        Farmdesk b = servers.start(shared);
        new ConcurrentWorkload(List.of(new Api(a.port()), new Api(b.port())), 4, 100).run();
    }

    @Test
    void whenAnInstanceDiesItsClientsResumeOnAnotherAndMissNothing(Servers servers) throws Exception {
        Settings shared = TestSettings.postgres();
        Farmdesk b = servers.start(shared);
        Api onB = new Api(b.port());
        String farmer = onB.farmer("F-dies");
        String admin = onB.admin("A-dies");
        String ticket = onB.createTicket(farmer, "Dies", "start");
        List<String> got = new ArrayList<>();
        long last;
        Farmdesk a = servers.start(shared);
        Api onA = new Api(a.port());
        try (SseClient s = SseClient.open(onA.base(), "/api/tickets/" + ticket + "/events", farmer,
                "Last-Event-ID", "0")) {
            assertEquals("ticket-created", s.next().type());
            SseClient.Event e = s.next();
            got.add(e.json().at("/message/text").asText());
            onB.postMessage(admin, ticket, "before the crash");
            e = s.next();
            got.add(e.json().at("/message/text").asText());
            last = e.numericId();
            servers.stop(a); // the instance goes away under its client
            assertTrue(s.awaitEnd(Duration.ofSeconds(30)), "the stream ended with its instance");
        }
        onB.postMessage(admin, ticket, "while reconnecting 1");
        onB.postMessage(admin, ticket, "while reconnecting 2");
        try (SseClient s = SseClient.open(onB.base(), "/api/tickets/" + ticket + "/events", farmer,
                "Last-Event-ID", Long.toString(last))) {
            got.add(s.next().json().at("/message/text").asText());
            got.add(s.next().json().at("/message/text").asText());
        }
        assertEquals(List.of("start", "before the crash", "while reconnecting 1", "while reconnecting 2"), got);
    }

    @Test
    void theDatabaseGoesAwayAndComesBack(@TempDir Path dir) throws Exception {
        StoppablePostgres pg = StoppablePostgres.start(dir);
        Settings shared = TestSettings.builder().db(pg.jdbcUrl(), "postgres", null)
                .heartbeat(Duration.ofSeconds(1)).build();
        // not Servers: the instances must stop before this test's own PostgreSQL does (the finally)
        try (Farmdesk a = Farmdesk.start(shared); Farmdesk b = Farmdesk.start(shared)) {
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String farmer = onA.farmer("F-dbdown");
            String admin = onA.admin("A-dbdown");
            String ticket = onA.createTicket(farmer, "Outage", "start");
            try (SseClient onAStream = SseClient.open(onA.base(), "/api/tickets/" + ticket + "/events", admin);
                 SseClient onBStream = SseClient.open(onB.base(), "/api/tickets/" + ticket + "/events", admin)) {
                onA.postMessage(farmer, ticket, "before");
                assertEquals("before", onAStream.next().json().at("/message/text").asText());
                long lastOnB = readUpToBefore(onBStream);

                pg.stop();
                Api.Answer refused = onA.post("/api/tickets/" + ticket + "/messages", farmer, "{\"text\":\"during\"}");
                assertEquals(503, refused.status(), refused.body());
                assertEquals("application/problem+json", refused.contentType());
                assertEquals(503, onA.get("/observe/health", null).status(), "not ready without a database");
                int pings = onAStream.comments().size();
                awaitCondition(() -> onAStream.comments().size() > pings + 1, "heartbeats while the database is away");
                assertTrue(!onAStream.ended() && !onBStream.ended(), "streams stay open");

                pg.startAgain();
                awaitCondition(() -> onA.get("/observe/health", null).status() == 200, "ready again");
                onA.postMessage(farmer, ticket, "after");
                assertEquals("after", onAStream.next().json().at("/message/text").asText());
                SseClient.Event e = onBStream.next(Duration.ofSeconds(30));
                assertTrue(e != null, "the other instance delivers again after the database returns");
                assertEquals("after", e.json().at("/message/text").asText());
                assertTrue(e.numericId() > lastOnB);
            }
        } finally {
            pg.close();
        }
    }

    /**
     * Reads B's stream up to "before" and returns its id. B's stream starts "from now" as B knows it: the
     * ticket's own events, committed on A a moment before the stream opened, may still come on B when B
     * had not yet learnt of them (docs/api.md, "Without a resume id"). Taking B's first event as "before"
     * took ticket-created's id under load, and the "start" message behind it then came where "after" was
     * expected. Only that prefix, in order, may come before "before".
     */
    private static long readUpToBefore(SseClient stream) throws Exception {
        List<String> seen = new ArrayList<>();
        SseClient.Event e;
        do {
            e = stream.next();
            seen.add(e.type().equals("ticket-created") ? "ticket-created" : e.json().at("/message/text").asText());
        } while (!seen.getLast().equals("before") && seen.size() < 3);
        List<String> all = List.of("ticket-created", "start", "before");
        assertEquals(all.subList(all.size() - seen.size(), all.size()), seen,
                "on B: the ticket's own events at most (B may learn of them after its stream opened), then \"before\"");
        return e.numericId();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(50);
        }
    }
}
