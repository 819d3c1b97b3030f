package farmdesk.streams;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.auth.Role;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeats, noticing gone clients, token expiry, typing, and a subscriber that never reads. */
@FarmdeskServer
// not on PostgreSQL: heartbeats, gone clients, typing and slow subscribers live in memory, not in the database
@Tag("h2-only")
class StreamLifecycleTest {

    private static Farmdesk app;
    private static Api api;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        settings.heartbeat(Duration.ofSeconds(1));
    }

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
    }

    @Test
    void idleStreamsGetHeartbeats() throws Exception {
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events", api.admin("A-hb"))) {
            awaitCondition(() -> s.comments().contains("ping"), "a ping comment");
            assertTrue(s.comments().getFirst().startsWith("farmdesk admin stream"));
        }
    }

    @Test
    void goneClientsAreNoticedAndTheOpenStreamCountReturnsToZero() throws Exception {
        String farmer = api.farmer("F-gone");
        String admin = api.admin("A-gone");
        String ticket = api.createTicket(farmer, "Gone", "hello");
        List<SseClient> clients = new ArrayList<>();
        clients.add(SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer));
        clients.add(SseClient.open(api.base(), "/api/farmers/F-gone/events", farmer));
        clients.add(SseClient.open(api.base(), "/api/admin/events", admin));
        awaitCondition(() -> openStreams("ticket") == 1 && openStreams("farmer") == 1 && openStreams("admin") >= 1,
                "the metrics to show the open streams");
        String metrics = api.get("/observe/metrics", null).body();
        assertTrue(metrics.contains("farmdesk_streams_open{kind=\"ticket\""), metrics);
        clients.forEach(SseClient::close);
        // the server notices on its next writes (heartbeats): every subscriber is released
        awaitCondition(() -> openStreams("ticket") == 0 && openStreams("farmer") == 0 && openStreams("admin") == 0,
                "the open stream counts to return to 0");
        String after = api.get("/observe/metrics", null).body();
        assertTrue(after.contains("farmdesk_streams_open{kind=\"ticket\",scope=\"application\",} 0.0"), after);
    }

    @Test
    void aStreamEndsWithTokenExpiredWhenItsTokenExpires() throws Exception {
        String shortLived = app.tokens().mint("A-expiring", Role.ADMIN, "Expiring", Duration.ofSeconds(2));
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events", shortLived)) {
            assertEquals(200, s.status());
            SseClient.Event e = s.next(Duration.ofSeconds(30));
            while (e != null && !"token-expired".equals(e.type())) {
                e = s.next(Duration.ofSeconds(30)); // events from other tests may come first
            }
            assertTrue(e != null, "token-expired arrived");
            assertNull(e.id());
            assertEquals("{}", e.data());
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)), "the server ended the stream");
        }
    }

    @Test
    void typingReachesTheOtherSideButNotTheTypist() throws Exception {
        String farmer = api.farmer("F-typing");
        String admin = api.admin("A-typing");
        String ticket = api.createTicket(farmer, "Typing", "hi");
        try (SseClient farmerStream = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer);
             SseClient adminStream = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin)) {
            assertEquals(204, api.post("/api/tickets/" + ticket + "/typing", farmer, null).status());
            SseClient.Event typing = adminStream.next();
            assertEquals("typing", typing.type());
            assertNull(typing.id(), "typing is live only: no id");
            assertEquals(ticket, typing.json().get("ticketId").asText());
            assertEquals("farmer", typing.json().get("role").asText());
            assertEquals("Farmer F-typing", typing.json().get("name").asText());
            // the typist's own stream: the next thing it sees is the marker, not its own typing
            api.postMessage(admin, ticket, "marker");
            SseClient.Event next = farmerStream.next();
            assertEquals("new-message", next.type());
            assertEquals("marker", next.json().at("/message/text").asText());
        }
    }

    @Test
    void aSubscriberThatNeverReadsIsDroppedWithoutHoldingUpOthers() throws Exception {
        String farmer = api.farmer("F-slow");
        String admin = api.admin("A-slow");
        String ticket = api.createTicket(farmer, "Slow", "reader");
        long droppedBefore = app.metrics().droppedSubscribers();
        try (Socket stuck = new Socket();
             SseClient reader = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin)) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("localhost", app.port()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/tickets/" + ticket + "/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + farmer + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitCondition(() -> openStreams("ticket") >= 2, "both streams open");

            // big messages fill the stuck socket's buffers, then its queue; posting goes on regardless
            String big = "x".repeat(3900);
            AtomicInteger posted = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(writers.submit(() -> {
                    while (app.metrics().droppedSubscribers() == droppedBefore && posted.get() < 8000) {
                        api.postMessage(admin, ticket, big + posted.incrementAndGet());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            writers.shutdown();
            assertTrue(app.metrics().droppedSubscribers() > droppedBefore, "the stuck subscriber was dropped");

            // the stuck stream is closed by the server although its client never reads nor closes
            awaitCondition(() -> openStreams("ticket") == 1, "the stuck stream to be released");

            // the reading subscriber got every message, in order, while the other one was stuck
            long last = 0;
            for (int i = 0; i < posted.get(); i++) {
                SseClient.Event e = reader.next();
                assertTrue(e.numericId() > last);
                last = e.numericId();
            }
        }
        awaitCondition(() -> openStreams("ticket") == 0, "both streams to be released");
    }

    private static int openStreams(String kind) {
        return app.metrics().openStreams(kind);
    }

    /** Waits (bounded) for something that must happen; fails if it never does. Not a timing assertion. */
    static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }
}
