package farmdesk.http10;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.RawHttp;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.SseParser;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.0 clients (curl -0, ApacheBench, nginx's default proxy_pass, older proxies) on a real socket: every
 * kind of answer complete, never chunked (RFC 9112 forbids Transfer-Encoding towards HTTP/1.0), its end the
 * Content-Length or the close; a held poll and a stream too. HTTP/1.1 keeps its keep-alive and chunks.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: HTTP/1.0 framing is the HTTP layer's, whatever the database
class Http10Test {

    /** A line of a text/event-stream; a chunk-size line ("1a3", "0") is not one. */
    private static final Pattern SSE_LINE = Pattern.compile("|:.*|(id|event|data|retry)(:.*)?");

    private static Farmdesk app;
    private static Api api;
    private static String farmer;
    private static String admin;
    private static String ticket;

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
        farmer = api.farmer("F-h10");
        admin = api.admin("A-h10");
        ticket = api.createTicket(farmer, "Over HTTP/1.0", "first");
    }

    private static String host() {
        return "Host: 127.0.0.1:" + app.port();
    }

    /** The head of an HTTP/1.0 answer: no chunks, and the server closes after it. */
    private static void assertHttp10Framing(RawHttp.Head head) {
        assertNull(head.header("Transfer-Encoding"), "no Transfer-Encoding towards HTTP/1.0: " + head);
        assertTrue(RawHttp.hasToken(head.header("Connection"), "close"), "Connection: close: " + head);
    }

    @Test
    void aPageIsAnsweredWholeWithItsLengthThenClosed() throws Exception {
        // a static file byte for byte (the pages themselves are served with their file references versioned)
        byte[] page = Files.readAllBytes(Path.of("web/farmer.js"));
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /farmer.js HTTP/1.0", host(), "User-Agent: curl/7.88.1",
                    "Accept: */*")).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            assertEquals(String.valueOf(page.length), head.header("Content-Length"));
            assertArrayEquals(page, c.rest(), "the file, then the close");
        }
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /farmer.html HTTP/1.0", host(), "Accept: */*")).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            byte[] body = c.rest();
            assertEquals(String.valueOf(body.length), head.header("Content-Length"), "the page, whole, then the close");
        }
    }

    @Test
    void aRequestWithoutHostIsServed() {
        // HTTP/1.0 has no Host header (RFC 1945); an HTTP/1.1 request without one is a 400
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /farmer.html HTTP/1.0")).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
        }
    }

    @Test
    void aRequestLineInSeveralPacketsIsServed() throws Exception {
        for (String version : List.of("HTTP/1.0", "HTTP/1.1")) {
            try (RawHttp c = RawHttp.connect(app.port())) {
                c.send("GET /farmer.ht");
                Thread.sleep(100); // lets the server read the first part alone (usually); the answer must not depend on it
                RawHttp.Head head = c.send(RawHttp.request("ml " + version, host(), "Connection: close")).head();
                assertEquals(200, head.status(), version + ": " + head);
                if (version.equals("HTTP/1.0")) {
                    assertHttp10Framing(head);
                }
            }
        }
    }

    @Test
    void anApiCallWithAuthorizationAndABodyIsAnswered() {
        String body = "{\"text\":\"sent over HTTP/1.0 ✓\"}";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("POST /api/tickets/" + ticket + "/messages HTTP/1.0", host(),
                    "Authorization: Bearer " + farmer, "Content-Type: application/json",
                    "Content-Length: " + length) + body).head();
            assertEquals(201, head.status(), head.toString());
            assertHttp10Framing(head);
            byte[] answer = c.rest();
            assertEquals(String.valueOf(answer.length), head.header("Content-Length"));
            assertEquals("sent over HTTP/1.0 ✓", Api.parse(new String(answer, StandardCharsets.UTF_8)).at("/text").asText());
        }
        try (RawHttp c = RawHttp.connect(app.port())) {
            // nginx's upstream requests say Connection: close; ab -k says keep-alive: either way one answer, then the close
            RawHttp.Head head = c.send(RawHttp.request("GET /api/tickets/" + ticket + " HTTP/1.0", host(),
                    "Connection: keep-alive", "Authorization: Bearer " + admin)).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            JsonNode t = Api.parse(new String(c.rest(), StandardCharsets.UTF_8));
            boolean stored = false;
            for (JsonNode m : t.get("messages")) {
                stored |= m.get("text").asText().equals("sent over HTTP/1.0 ✓");
            }
            assertTrue(stored, "the message posted over HTTP/1.0 is stored: " + t);
        }
    }

    @Test
    void aHeldPollIsAnsweredWhenAnEventIsPostedThenClosed() throws Exception {
        long next = api.get("/api/tickets/" + ticket + "/events/poll", farmer).json().get("next").asLong();
        try (RawHttp c = RawHttp.connect(app.port())) {
            c.send(RawHttp.request("GET /api/tickets/" + ticket + "/events/poll?after=" + next + "&timeout=25 HTTP/1.0",
                    host(), "Authorization: Bearer " + farmer));
            awaitCondition(() -> app.metrics().openPolls("ticket") == 1, "the poll is held");
            api.postMessage(admin, ticket, "answer to a held HTTP/1.0 poll");
            RawHttp.Head head = c.head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            byte[] answer = c.rest();
            assertEquals(String.valueOf(answer.length), head.header("Content-Length"));
            JsonNode events = Api.parse(new String(answer, StandardCharsets.UTF_8)).get("events");
            assertEquals("answer to a held HTTP/1.0 poll", events.get(0).at("/data/message/text").asText());
        }
    }

    @Test
    void aStreamArrivesUnchunkedAndEndsByCloseWhenItsTokenExpires() throws Exception {
        String shortLived = app.tokens().mint("F-h10", Role.FARMER, "Farmer F-h10", Duration.ofSeconds(3));
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /api/tickets/" + ticket + "/events HTTP/1.0", host(),
                    "Accept: text/event-stream", "Authorization: Bearer " + shortLived)).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            assertNull(head.header("Content-Length"), "a stream's end is the close");
            assertTrue(head.header("Content-Type").startsWith("text/event-stream"));
            assertTrue(c.line().matches("retry: (2[0-9]{3}|3[0-9]{3}|4000)"), "the stream starts at once, unchunked");

            api.postMessage(admin, ticket, "streamed over HTTP/1.0");
            List<SseClient.Event> events = readStream(c);
            assertTrue(events.stream().anyMatch(e -> "new-message".equals(e.type())
                            && e.json().at("/message/text").asText().equals("streamed over HTTP/1.0")),
                    "the posted message arrived: " + events);
            assertEquals("token-expired", events.getLast().type(), "then the stream ended, by close");
        }
    }

    @Test
    void aStreamEndsByCloseWhenTheServerStops(Servers servers) throws Exception {
        Farmdesk own = servers.start(TestSettings.inMemory());
        Api ownApi = new Api(own.port());
        String ownAdmin = ownApi.admin("A-h10-stop");
        String ownTicket = ownApi.createTicket(ownApi.farmer("F-h10-stop"), "Stop", "hello");
        try (RawHttp c = RawHttp.connect(own.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /api/admin/events HTTP/1.0", "Host: 127.0.0.1:" + own.port(),
                    "Authorization: Bearer " + ownAdmin)).head();
            assertEquals(200, head.status(), head.toString());
            assertHttp10Framing(head);
            assertTrue(c.line().matches("retry: (2[0-9]{3}|3[0-9]{3}|4000)"), "the opening retry (2000..4000 ms)");
            ownApi.postMessage(ownAdmin, ownTicket, "before the stop");
            SseParser parser = new SseParser();
            for (SseClient.Event e = null; e == null || !"new-message".equals(e.type()); ) {
                e = parser.line(sseLine(c));
            }
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> servers.stop(own));
            List<SseClient.Event> rest = readStream(c); // to the close; every line a stream line
            stopping.get(60, TimeUnit.SECONDS);
            assertFalse(rest.stream().anyMatch(e -> "new-message".equals(e.type())), "nothing after: " + rest);
        }
    }

    @Test
    void http11KeepsItsPersistentConnectionsAndChunks() {
        byte[] page;
        try {
            page = Files.readAllBytes(Path.of("web/farmer.js"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        try (RawHttp c = RawHttp.connect(app.port())) {
            for (int i = 0; i < 2; i++) { // two requests on one connection
                RawHttp.Head head = c.send(RawHttp.request("GET /farmer.js HTTP/1.1", host())).head();
                assertEquals(200, head.status(), head.toString());
                assertFalse(RawHttp.hasToken(head.header("Connection"), "close"), head.toString());
                assertArrayEquals(page, c.bytes(Integer.parseInt(head.header("Content-Length"))));
            }
        }
        try (RawHttp c = RawHttp.connect(app.port())) {
            RawHttp.Head head = c.send(RawHttp.request("GET /api/admin/events HTTP/1.1", host(),
                    "Authorization: Bearer " + admin)).head();
            assertEquals(200, head.status(), head.toString());
            assertEquals("chunked", head.header("Transfer-Encoding"), head.toString());
            String size = c.line();
            assertTrue(size.matches("[0-9a-f]+"), "a chunk-size line: " + size);
            assertTrue(c.line().matches("retry: (2[0-9]{3}|3[0-9]{3}|4000)"), "the opening retry (2000..4000 ms)");
        }
    }

    /** Reads stream lines until the server closes the connection; fails on any line a stream cannot have. */
    private static List<SseClient.Event> readStream(RawHttp c) {
        SseParser parser = new SseParser();
        List<SseClient.Event> events = new ArrayList<>();
        for (String line = c.line(); line != null; line = c.line()) {
            assertTrue(SSE_LINE.matcher(line).matches(), "not a stream line (chunk framing?): '" + line + "'");
            SseClient.Event e = parser.line(line);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    private static String sseLine(RawHttp c) {
        String line = c.line();
        assertNotNull(line, "the stream ended early");
        assertTrue(SSE_LINE.matcher(line).matches(), "not a stream line (chunk framing?): '" + line + "'");
        return line;
    }

    /** Waits (bounded) for something that must happen; fails if it never does. Not a timing assertion. */
    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }
}
