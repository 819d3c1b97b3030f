package farmdesk.streams;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests and answers larger than the server socket's 8 KiB read buffer pass whole, several on one
 * kept-alive connection (the listener's socket type is chosen in Farmdesk.configure, see docs/benchmarks.md).
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the socket's read buffer is the HTTP layer's, whatever the database
class LargeBodiesOnOneConnectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Farmdesk app;
    private final Api api;

    LargeBodiesOnOneConnectionTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @Test
    void largeBodiesBothWaysOnOneKeptAliveConnection() throws Exception {
        String farmer = api.farmer("F-buffers");
        String ticket = api.createTicket(farmer, "Big messages", "first");
        // 4,000 characters of 3 bytes each: a 12 KB body, more than one 8 KiB buffer
        List<String> texts = List.of("€".repeat(4000), "a".repeat(4000), "ü€".repeat(2000), "short");
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (String text : texts) {
                byte[] body = ("{\"text\":" + Api.quote(text) + "}").getBytes(StandardCharsets.UTF_8);
                out.write(("POST /api/tickets/" + ticket + "/messages HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + farmer + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                JsonNode answer = JSON.readTree(readAnswer(in, 201));
                assertEquals(text, answer.get("text").asText());
            }
            out.write(("GET /api/tickets/" + ticket + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String whole = readAnswer(in, 200);
            int bytes = whole.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes > 3 * 8192, "the answer spans several buffers: " + bytes + " bytes");
            List<String> got = new ArrayList<>();
            JSON.readTree(whole).get("messages").forEach(m -> got.add(m.get("text").asText()));
            assertEquals(texts, got.subList(1, got.size()));
        }
    }

    /** One HTTP/1.1 answer with a Content-Length; returns its body. */
    private static String readAnswer(InputStream in, int expectedStatus) throws IOException {
        String status = line(in);
        assertTrue(status.startsWith("HTTP/1.1 " + expectedStatus), status);
        int length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        assertTrue(length >= 0, "no content-length");
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
