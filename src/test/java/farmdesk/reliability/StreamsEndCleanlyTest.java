package farmdesk.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On SIGTERM, an open SSE stream ends with the end of its chunked response (the terminating
 * {@code 0\r\n\r\n}: {@code curl -N} exits 0, nginx sees a complete answer), and a held poll is answered
 * in full. Read with raw sockets, byte for byte, so nothing hides a cut connection.
 */
// not on PostgreSQL: how a stream's response ends at SIGTERM is the HTTP layer's; a stop on PostgreSQL is
// GracefulShutdownTest's
@Tag("h2-only")
class StreamsEndCleanlyTest {

    private static final Tokens TOKENS = new Tokens(TestSettings.SECRET.getBytes(StandardCharsets.UTF_8));

    @Test
    void sigtermEndsStreamsWithTheTerminatingChunkAndAnswersHeldPolls(@TempDir Path dir) throws Exception {
        String admin = TOKENS.mint("A-end", Role.ADMIN, "Admin", Duration.ofHours(1));
        try (ServerProcess server = ServerProcess.forSuite(dir, Map.of("FARMDESK_HEARTBEAT_SECONDS", "600"))) {
            server.start();
            Api api = new Api(server.port());
            long latest = api.get("/api/admin/events/poll", admin).json().get("next").asLong();
            try (Socket stream = request(server, "/api/admin/events", admin);
                 Socket poll = request(server, "/api/admin/events/poll?timeout=30&after=" + latest, admin)) {
                String opening = readUntil(stream.getInputStream(), "\n\n");
                assertTrue(opening.startsWith("HTTP/1.1 200"), opening);
                assertTrue(opening.toLowerCase().contains("transfer-encoding: chunked"), opening);
                awaitHeldPoll(api);

                server.terminate();
                String rest = readToEnd(stream.getInputStream());
                assertTrue(rest.endsWith("\r\n0\r\n\r\n"), "the stream ended without its terminating chunk: "
                        + rest.replace("\r", "\\r").replace("\n", "\\n"));

                String answer = readToEnd(poll.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                int split = answer.indexOf("\r\n\r\n");
                String body = answer.substring(split + 4);
                String length = header(answer.substring(0, split), "content-length");
                assertEquals(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length), length, answer);
                JsonNode json = Api.parse(body);
                assertEquals(0, json.get("events").size());
                assertEquals(latest, json.get("next").asLong());
            }
            int exit = server.waitFor(Duration.ofSeconds(30));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        }
    }

    private static Socket request(ServerProcess server, String path, String token) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(40));
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nAccept: text/event-stream, application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Waits (bounded) until the server counts the poll as held. */
    private static void awaitHeldPoll(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!api.get("/observe/metrics", null).body().contains("farmdesk_polls_open{kind=\"admin\",scope=\"application\",} 1.0")) {
            assertTrue(System.nanoTime() < deadline, "the poll was never held");
            Thread.sleep(20);
        }
    }

    /** Reads until {@code end} has arrived (the SSE opening block ends with a blank line). */
    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.UTF_8).replace("\r", "").contains("retry:")
                || !got.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("ended early: " + got);
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Everything until the server closes the connection (a reset fails the test: that is a cut). */
    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }
}
