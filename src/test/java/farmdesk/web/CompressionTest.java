package farmdesk.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pages, scripts and JSON answers go gzip-compressed to a client that accepts it (a farmer on 2G pays for
 * every byte), and plain to one that does not; event streams and polls never compressed (a gzip stream
 * holds events back until its buffer fills).
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: compression is the HTTP layer's, whatever the database
class CompressionTest {

    private final Api api;
    private final HttpClient http = HttpClient.newHttpClient(); // never decompresses by itself

    CompressionTest(Api api) {
        this.api = api;
    }

    @Test
    void pagesScriptsAndJsonAreGzippedWhenAccepted() throws Exception {
        String farmer = api.farmer("F-gzip-1");
        for (int i = 0; i < 8; i++) {
            api.createTicket(farmer, "Payment not received " + i, "I delivered 40 kg of onions on Monday " + i);
        }
        for (String path : new String[] {"/farmer.html", "/farmer.js", "/farmdesk.css", "/api/tickets"}) {
            HttpResponse<byte[]> plain = get(path, farmer, null);
            HttpResponse<byte[]> gzip = get(path, farmer, "gzip, deflate, br");
            assertEquals(200, gzip.statusCode(), path);
            assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(null), path);
            assertTrue(gzip.headers().allValues("Vary").stream().anyMatch(v -> v.toLowerCase().contains("accept-encoding")),
                    path + " has no Vary: Accept-Encoding: " + gzip.headers().map());
            byte[] unzipped = gunzip(gzip.body());
            assertTrue(gzip.body().length < unzipped.length, path + " is not smaller compressed");
            if (!path.startsWith("/api")) {
                assertArrayEquals(plain.body(), unzipped, path);
            } else {
                assertTrue(new String(unzipped, StandardCharsets.UTF_8).contains("\"tickets\""), path);
            }
        }
    }

    @Test
    void nothingIsCompressedWithoutAcceptEncoding() throws Exception {
        String farmer = api.farmer("F-gzip-2");
        for (String path : new String[] {"/farmer.html", "/farmer.js", "/api/tickets"}) {
            HttpResponse<byte[]> plain = get(path, farmer, null);
            assertEquals(200, plain.statusCode(), path);
            assertFalse(plain.headers().firstValue("Content-Encoding").isPresent(), path);
        }
    }

    @Test
    void eventStreamsAndPollsAreNeverCompressed() throws Exception {
        String farmer = api.farmer("F-gzip-3");
        HttpResponse<byte[]> poll = get("/api/farmers/F-gzip-3/events/poll", farmer, "gzip");
        assertEquals(200, poll.statusCode());
        assertFalse(poll.headers().firstValue("Content-Encoding").isPresent(), "poll: " + poll.headers().map());
        assertTrue(new String(poll.body(), StandardCharsets.UTF_8).contains("\"next\""));

        HttpRequest stream = HttpRequest.newBuilder(api.base().resolve("/api/farmers/F-gzip-3/events"))
                .header("Authorization", "Bearer " + farmer).header("Accept-Encoding", "gzip").build();
        HttpResponse<InputStream> sse = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = sse.body()) {
            assertEquals(200, sse.statusCode());
            assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertFalse(sse.headers().firstValue("Content-Encoding").isPresent(), "stream: " + sse.headers().map());
            byte[] start = body.readNBytes(6);
            assertEquals("retry:", new String(start, StandardCharsets.US_ASCII)); // plain text, at once
        }
    }

    private HttpResponse<byte[]> get(String path, String token, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
