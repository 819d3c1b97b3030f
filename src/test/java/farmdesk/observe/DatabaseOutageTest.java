package farmdesk.observe;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.LogCapture;
import farmdesk.testing.SseClient;
import farmdesk.testing.StoppablePostgres;
import farmdesk.testing.TestSettings;
import farmdesk.uploads.Tus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees when PostgreSQL stops under a running instance and comes back: one line per
 * error and no stack trace (a dropped database is an expected fault, not a bug), one WARNING when the
 * relay's LISTEN connection is lost and one INFO when it is back; and a health answer that does not wait
 * for the pool's connection timeout.
 */
@Tag("postgres-only")
class DatabaseOutageTest {

    @Test
    void aStoppedDatabaseLogsOneLinePerErrorAndTheRelayOnceLostAndOnceBack(@TempDir Path dir) throws Exception {
        StoppablePostgres pg = StoppablePostgres.start(dir);
        Settings settings = TestSettings.builder().db(pg.jdbcUrl(), "postgres", null)
                .heartbeat(Duration.ofSeconds(1)).build();
        // not Servers: the instance must stop before this test's own PostgreSQL does (the finally)
        try (Farmdesk app = Farmdesk.start(settings); LogCapture log = LogCapture.start()) {
            Api api = new Api(app.port());
            String farmer = api.farmer("F-outage");
            String ticket = api.createTicket(farmer, "Outage", "start");
            try (SseClient stream = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer)) {
                api.postMessage(farmer, ticket, "before");
                assertEquals("new-message", stream.next().type());

                pg.stop();
                assertEquals(503, api.post("/api/tickets/" + ticket + "/messages", farmer, "{\"text\":\"during\"}").status());
                assertEquals(503, api.get("/api/tickets/" + ticket, farmer).status());
                assertEquals(503, api.get("/observe/health", null).status());
                Thread.sleep(5000); // the relay retries meanwhile: its retries are not logged one by one

                pg.startAgain();
                awaitCondition(() -> api.get("/observe/health", null).status() == 200, "ready again");
                awaitCondition(() -> relayLines(log, Level.INFO).size() == 1, "the relay says it is back");
                api.postMessage(farmer, ticket, "after");
                assertEquals("new-message", stream.next(Duration.ofSeconds(30)).type());
            }
            String all = LogCapture.describe(log.records());
            System.out.println("--- logged during the outage:\n" + all);
            List<LogRecord> traces = log.records().stream().filter(r -> r.getThrown() != null).toList();
            assertEquals(List.of(), traces.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList(),
                    "no stack trace for a database that went away:\n" + all);
            for (LogRecord r : log.records()) {
                assertTrue(!String.valueOf(r.getMessage()).contains("\n"), "one line per record: " + r.getMessage());
            }
            assertEquals(1, relayLines(log, Level.WARNING).size(), "one WARNING when the LISTEN connection is lost:\n" + all);
            assertEquals(1, relayLines(log, Level.INFO).size(), "one INFO when it is back:\n" + all);
        } finally {
            pg.close();
        }
    }

    @Test
    void healthAnswersDownWithinItsOwnTimeoutNotThePoolsWhenTheDatabaseIsStopped(@TempDir Path dir) throws Exception {
        StoppablePostgres pg = StoppablePostgres.start(dir);
        Settings settings = TestSettings.builder().db(pg.jdbcUrl(), "postgres", null).build();
        // not Servers: the instance must stop before this test's own PostgreSQL does (the finally)
        try (Farmdesk app = Farmdesk.start(settings)) {
            Api api = new Api(app.port());
            assertEquals(200, api.get("/observe/health", null).status());
            pg.stop();
            List<Long> millis = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                Api.Answer health = api.get("/observe/health", null);
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertEquals(503, health.status(), health.body());
                assertEquals("DOWN", health.json().get("status").asText(), health.body());
                // the proof, without timing the test: the check says the bound it answers within
                assertEquals(500, health.json().at("/checks/0/data/answerWithinMs").asInt(), health.body());
            }
            // information only (no timing asserts): what a load balancer's probe waits with the database away
            System.out.println("health with the database stopped answered 503 in " + millis + " ms");
            pg.startAgain();
            awaitCondition(() -> api.get("/observe/health", null).status() == 200, "ready again");
        } finally {
            pg.close();
        }
    }

    /**
     * A PATCH whose piece cannot be stored because the database is away is the database's failure: 503,
     * which tus clients retry (tus-js-client: any 5xx), never the 400 of a cut body, which ends a
     * tus-js-client upload for good. Before, a failed store was taken for a cut body and retried at once:
     * under a burst of uploads on H2 the retry could find a connection, and the PATCH answered 400
     * (docs/benchmarks.md "Uploads", burst). Once the database is back, the upload resumes from HEAD.
     */
    @Test
    void aPatchWhosePieceCannotBeStoredIs503AndTheUploadResumesOnceTheDatabaseIsBack(@TempDir Path dir) throws Exception {
        StoppablePostgres pg = StoppablePostgres.start(dir);
        Settings settings = TestSettings.builder().db(pg.jdbcUrl(), "postgres", null).build();
        try (Farmdesk app = Farmdesk.start(settings)) {
            Api api = new Api(app.port());
            Tus tus = new Tus(api.base());
            String farmer = api.farmer("F-outage-upload");
            byte[] file = new byte[700_000];
            new java.util.Random(3).nextBytes(file);
            System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, file, 0, 9);
            String path = tus.created(farmer, file.length, "receipt.pdf");
            int firstPiece = 256 * 1024; // the server stores the body in pieces of this size
            String status;
            try (Socket s = new Socket(api.base().getHost(), api.base().getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                        + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                        + "\r\nContent-Length: " + file.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(file, 0, 1000);
                out.flush();
                Thread.sleep(1000); // the PATCH has begun (the upload was found) before the database goes
                pg.stop();
                out.write(file, 1000, firstPiece - 1000); // the first piece is full: the server stores it
                out.flush();
                status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
            }
            assertTrue(status != null && status.startsWith("HTTP/1.1 503"), "answered: " + status);

            pg.startAgain();
            awaitCondition(() -> api.get("/observe/health", null).status() == 200, "ready again");
            long offset = Long.parseLong(tus.head(path, farmer).header("Upload-Offset"));
            Api.Answer rest = tus.patch(path, farmer, offset, java.util.Arrays.copyOfRange(file, (int) offset, file.length));
            assertEquals(204, rest.status(), rest.toString());
            assertEquals(Integer.toString(file.length), tus.head(path, farmer).header("Upload-Offset"));
        } finally {
            pg.close();
        }
    }

    private static List<LogRecord> relayLines(LogCapture log, Level level) {
        return log.records().stream()
                .filter(r -> r.getLoggerName().equals("farmdesk.events.PgRelay") && r.getLevel() == level)
                .toList();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(100);
        }
    }
}
