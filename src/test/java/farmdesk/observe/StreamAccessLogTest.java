package farmdesk.observe;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.auth.Role;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.LogCapture;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract's access-log line for streams (docs/api.md, "Access log"): an SSE stream's and a held poll's
 * line is written when it ends, also when the client closed it, with the events it wrote and how it ended,
 * and the {@code access_token} in its URL never reaches the log.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the access log is written by the HTTP layer, whatever the database
class StreamAccessLogTest {

    /** Held, so the level set below stays (the test logging configuration turns the access log off). */
    private static final Logger ACCESS = Logger.getLogger("farmdesk.access");
    private static Level accessLevel;

    private final Api api;
    private final Farmdesk app;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        // a closed client is noticed at the second write after it left: heartbeats make those writes
        settings.heartbeat(Duration.ofSeconds(1));
    }

    StreamAccessLogTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @BeforeAll
    static void accessLogOn() {
        accessLevel = ACCESS.getLevel();
        ACCESS.setLevel(Level.INFO);
    }

    @AfterAll
    static void accessLogAsConfigured() {
        ACCESS.setLevel(accessLevel);
    }

    @Test
    void aStreamTheClientClosedIsLoggedWithItsEventsAndWithoutItsToken() throws Exception {
        String token = api.farmer("F-log-1");
        String ticket = api.createTicket(token, "Seeds", "first");
        try (LogCapture log = LogCapture.start()) {
            try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-log-1/events?access_token=" + q(token), null)) {
                assertEquals(200, s.status());
                for (int i = 0; i < 3; i++) {
                    api.postMessage(token, ticket, "m" + i);
                    assertEquals("new-message", s.next().type());
                }
            } // the client closes its side
            LogRecord line = awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-1/events?"));
            assertTrue(line.getMessage().matches("GET /api/farmers/F-log-1/events\\?access_token=\\[redacted] 200 \\d+ ms "
                    + "3 events client-gone"), line.getMessage());
            assertNoToken(log, token);
        }
    }

    @Test
    void streamsOpenAtOnceEachGetTheirOwnLine() throws Exception {
        String a = api.farmer("F-log-4");
        String b = api.farmer("F-log-5");
        String ticketA = api.createTicket(a, "Seeds", "a");
        String ticketB = api.createTicket(b, "Seeds", "b");
        try (LogCapture log = LogCapture.start()) {
            SseClient onA = SseClient.open(api.base(), "/api/farmers/F-log-4/events", a);
            try (SseClient onB = SseClient.open(api.base(), "/api/farmers/F-log-5/events", b)) {
                api.postMessage(a, ticketA, "a1");
                api.postMessage(a, ticketA, "a2");
                api.postMessage(b, ticketB, "b1");
                onA.next();
                onA.next();
                onB.next();
            } // B closes first, A stays open a while longer
            awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-5/events "));
            onA.close();
            LogRecord lineA = awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-4/events "));
            LogRecord lineB = awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-5/events "));
            assertTrue(lineA.getMessage().endsWith(" 2 events client-gone"), lineA.getMessage());
            assertTrue(lineB.getMessage().endsWith(" 1 events client-gone"), lineB.getMessage());
        }
    }

    @Test
    void aStreamEndedByTheServerAtTokenExpiryIsLogged() throws Exception {
        String token = app.tokens().mint("F-log-2", Role.FARMER, "Expiring", Duration.ofSeconds(4));
        String ticket = api.createTicket(token, "Seeds", "first");
        try (LogCapture log = LogCapture.start();
             SseClient s = SseClient.open(api.base(), "/api/farmers/F-log-2/events?access_token=" + q(token), null)) {
            api.postMessage(token, ticket, "one");
            assertEquals("new-message", s.next().type());
            assertTrue(s.awaitEnd(Duration.ofSeconds(30)), "the server ended the stream at the token's exp");
            LogRecord line = awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-2/events?"));
            assertTrue(line.getMessage().matches("GET /api/farmers/F-log-2/events\\?access_token=\\[redacted] 200 \\d+ ms "
                    + "1 events token-expired"), line.getMessage());
            assertNoToken(log, token);
        }
    }

    @Test
    void aHeldPollIsLoggedWithItsEvents() throws Exception {
        String token = api.farmer("F-log-3");
        String ticket = api.createTicket(token, "Seeds", "first");
        long after = api.get("/api/farmers/F-log-3/events/poll", token).json().get("next").asLong();
        try (LogCapture log = LogCapture.start()) {
            Thread poster = Thread.ofVirtual().start(() -> {
                sleep(500);
                api.postMessage(token, ticket, "while held");
            });
            Api.Answer answer = api.get("/api/farmers/F-log-3/events/poll?after=" + after + "&timeout=20&access_token="
                    + q(token), null);
            poster.join();
            assertEquals(200, answer.status(), answer.body());
            LogRecord line = awaitLine(log, m -> m.startsWith("GET /api/farmers/F-log-3/events/poll?"));
            assertTrue(line.getMessage().matches("GET /api/farmers/F-log-3/events/poll\\?after=" + after
                    + "&timeout=20&access_token=\\[redacted] 200 \\d+ ms 1 events answered"), line.getMessage());
            assertNoToken(log, token);
        }
    }

    private static String q(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static LogRecord awaitLine(LogCapture log, Predicate<String> which) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<LogRecord> lines = log.records().stream()
                    .filter(r -> "farmdesk.access".equals(r.getLoggerName()) && which.test(r.getMessage())).toList();
            if (!lines.isEmpty()) {
                Thread.sleep(300); // a second line for the same request would show here
                lines = log.records().stream()
                        .filter(r -> "farmdesk.access".equals(r.getLoggerName()) && which.test(r.getMessage())).toList();
                assertEquals(1, lines.size(), "one line per stream:\n" + LogCapture.describe(lines));
                return lines.getFirst();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access-log line for the stream; logged:\n" + LogCapture.describe(log.records()));
    }

    private static void assertNoToken(LogCapture log, String token) {
        for (LogRecord r : log.records()) {
            assertFalse(String.valueOf(r.getMessage()).contains(token), "a token in the log: " + r.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
