package farmdesk.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.LogCapture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request framing that a client got wrong, over raw sockets: a chunked body Helidon cannot parse is a
 * 400 problem that closes the connection (never a 500 with a SEVERE stack trace), and a client that goes
 * away in the middle of a request leaves at most one log line, without a stack trace.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: bad request framing is refused by the HTTP layer before any query
class MalformedFramingTest {

    private static final String BODY = "{\"subject\":\"s\",\"text\":\"chunked\"}";

    private static Farmdesk app;
    private static Api api;
    private static String farmer;
    private static String admin;
    private LogCapture log;

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
        farmer = api.farmer("F-framing");
        admin = api.admin("A-framing");
    }

    @BeforeEach
    void listen() {
        log = LogCapture.start("farmdesk.access");
    }

    @AfterEach
    void detach() {
        log.close();
    }

    @Test
    void wellFormedChunkedBodyIsStored() throws IOException {
        String size = Integer.toHexString(BODY.length());
        Answer a = exchange(head() + size + "\r\n" + BODY + "\r\n0\r\n\r\n", false);
        assertEquals(201, a.status(), a.text());
    }

    @Test
    void chunkExtensionIsA400NotA500() throws IOException {
        // RFC 9112 7.1.1 allows "size;name=value"; Helidon 4.5 parses the whole line as the size
        assertRefusedCleanly(head() + Integer.toHexString(BODY.length()) + ";a=b\r\n" + BODY + "\r\n0\r\n\r\n");
    }

    @Test
    void badChunkSizeIsA400NotA500() throws IOException {
        assertRefusedCleanly(head() + "zz\r\n" + BODY + "\r\n0\r\n\r\n");
    }

    @Test
    void chunkSizeBeyondAnIntIsA400NotA500() throws IOException {
        assertRefusedCleanly(head() + "fffffffff\r\n" + BODY + "\r\n0\r\n\r\n");
    }

    @Test
    void lfOnlyChunkLinesAreA400NotA500() throws IOException {
        assertRefusedCleanly(head() + Integer.toHexString(BODY.length()) + "\n" + BODY + "\n0\n\n");
    }

    @Test
    void clientGoneMidBodyLeavesOneLineAndNoTrace() throws IOException {
        long before = latestId();
        exchange("POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"subject\":", true);
        assertQuiet("a client gone in the middle of a body");
        assertEquals(before, latestId());
    }

    @Test
    void clientGoneMidChunkedBodyLeavesOneLineAndNoTrace() throws IOException {
        long before = latestId();
        exchange(head() + "64\r\n{\"subject\":", true);
        assertQuiet("a client gone in the middle of a chunk");
        assertEquals(before, latestId());
    }

    @Test
    void clientGoneMidHeadersLeavesOneLineAndNoTrace() throws IOException {
        exchange("POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nContent-Le", true);
        assertQuiet("a client gone in the middle of the headers");
    }

    // ------------------------------------------------------------------ helpers

    private static String head() {
        return "POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    private void assertRefusedCleanly(String request) throws IOException {
        long before = latestId();
        Answer a = exchange(request, false);
        assertEquals(400, a.status(), a.text());
        assertTrue(a.head().toLowerCase().contains("content-type: application/problem+json"), a.text());
        JsonNode problem = Api.parse(a.body());
        assertEquals(400, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains("chunk"), a.body());
        assertTrue(a.head().toLowerCase().contains("connection: close"), "the framing is lost: close " + a.head());
        assertTrue(a.closedByServer(), "the server closes the connection after the 400");
        assertEquals(1, a.text().split("HTTP/1\\.1 ", -1).length - 1,
                "one answer: the rest of the broken body is not read as another request\n" + a.text());
        assertEquals(before, latestId(), "nothing stored");
        List<LogRecord> noisy = log.records().stream()
                .filter(r -> r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertEquals(List.of(), noisy, LogCapture.describe(noisy));
    }

    private void assertQuiet(String what) {
        List<LogRecord> lines = log.exceptAccessLog();
        assertTrue(lines.size() <= 1, what + " logged more than one line:\n" + LogCapture.describe(lines));
        for (LogRecord r : log.records()) {
            assertEquals(null, r.getThrown(), what + " logged a stack trace:\n" + LogCapture.describe(log.records()));
            assertTrue(r.getLevel().intValue() < Level.SEVERE.intValue(), LogCapture.describe(log.records()));
        }
    }

    private static long latestId() {
        return api.get("/api/admin/events/poll", admin).json().get("next").asLong();
    }

    /** What came back, and whether the server closed the connection (rather than the read timing out). */
    private record Answer(String text, boolean closedByServer) {

        int status() {
            return text.length() >= 12 && text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
        }

        String head() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }
    }

    /**
     * Sends the bytes as they are, then (when {@code goAway}) shuts down the sending side: the server reads
     * the end of the stream where more was announced, as when a client dies. Reads until the server closes.
     * When the server is done with the connection, everything it logs about it has been logged.
     */
    private static Answer exchange(String request, boolean goAway) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (goAway) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    all.write(buffer, 0, n);
                    if (!goAway && complete(all.toString(StandardCharsets.ISO_8859_1))
                            && !all.toString(StandardCharsets.ISO_8859_1).toLowerCase().contains("connection: close")) {
                        // a complete answer on a connection the server keeps: that is all there is
                        return new Answer(all.toString(StandardCharsets.UTF_8), false);
                    }
                }
            } catch (SocketTimeoutException e) {
                return new Answer(all.toString(StandardCharsets.UTF_8), false);
            } catch (IOException reset) {
                // the server reset the connection: it is closed
            }
            return new Answer(all.toString(StandardCharsets.UTF_8), true);
        }
    }

    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        int length = answer.substring(0, end).lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
        return answer.length() - end - 4 >= length;
    }
}
