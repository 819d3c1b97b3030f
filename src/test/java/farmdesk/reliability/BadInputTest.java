package farmdesk.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input, generated (seeded random: a property-based test without a framework) and from a corpus of
 * known nasty inputs. For every request: a 2xx, or a 4xx problem+json with a useful detail; never a 5xx,
 * never a stack trace; nothing stored on a 4xx; the server stays healthy. And a message carrying SSE
 * field names, line breaks or markup arrives as ONE intact event: framing cannot be injected.
 *
 * <p>Tries per property: {@code -Dfarmdesk.fuzz.tries=N} (default 150); seed: {@code -Dfarmdesk.fuzz.seed=S}
 * (printed on failure). See docs/reliability.md.
 */
@FarmdeskServer
class BadInputTest {

    private static final int TRIES = Integer.getInteger("farmdesk.fuzz.tries", 150);
    private static final long SEED = Long.getLong("farmdesk.fuzz.seed", System.nanoTime());

    /** Strings that broke parsers, databases, logs and event streams somewhere. */
    static final List<String> NASTY = List.of(
            "", " ", "\u00a0", "\t\r\n", "\r", "\n\n", "\r\n\r\n", "a\rb", "a\nb", "a\r\nb",
            "event: admin\ndata: {\"x\":1}\n\n", "\n\nid: 999999\nevent: reset\ndata: {}\n\n", "data: x", "id: 1",
            "retry: 1", ": comment", "\u2028\u2029", "\u0085", "\u000b\u000c", "\u001b[31mred", "\u0007\u0008",
            "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{7*7}}", "${7*7}",
            "'; DROP TABLE messages; --", "\" OR 1=1 --", "' OR ''='", "1; SELECT pg_sleep(10)", "%00", "%s%s%n",
            "\\", "\\u0000", "\\\"", "../../etc/passwd", "..%2f..%2f", "C:\\Windows\\win.ini",
            "\ud83d\ude00", "\ud83d", "\ude00", "\u0000", "a\u0000b", "\ufeff", "\uffff", "\u202eevil",
            "Z\u0351\u0348\u0324\u0357\u034d\u0329\u0352\u0356", "𝕿𝖊𝖘𝖙", "null", "true", "0", "-1", "1e400", "NaN",
            "x".repeat(4000), "x".repeat(4001), "é".repeat(4000), "😀".repeat(4000), "😀".repeat(4001));

    private static Farmdesk app;
    private static Api api;
    private static String farmer;
    private static String other;
    private static String admin;
    private static String ticket;
    private static long messageId;

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
        farmer = api.farmer("F-fuzz");
        other = api.farmer("F-fuzz-other");
        admin = api.admin("A-fuzz");
        ticket = api.createTicket(farmer, "fuzz", "first");
        messageId = api.get("/api/tickets/" + ticket, farmer).json().at("/messages/0/id").asLong();
    }

    // ------------------------------------------------------------------ the invariant

    private static long latestId() {
        return api.get("/api/admin/events/poll", admin).json().get("next").asLong();
    }

    /** A 2xx, or a 4xx problem+json with a detail; never 5xx or a stack trace; a 4xx stores nothing. */
    private static void check(String what, int status, String contentType, String body, long latestBefore) {
        String where = what + " (seed " + SEED + ") answered " + status + " " + abbreviate(body);
        assertTrue(status < 500, where);
        assertFalse(body.contains("\tat ") || body.contains("Exception") || body.contains("farmdesk."), "internals in " + where);
        if (status >= 400) {
            assertNotNull(contentType, where);
            assertTrue(contentType.startsWith("application/problem+json"), "problem+json expected: " + where);
            JsonNode p = Api.parse(body);
            assertEquals(status, p.get("status").asInt(), where);
            assertTrue(p.get("detail").isTextual() && p.get("detail").asText().length() >= 5, "a useful detail: " + where);
            assertEquals(latestBefore, latestId(), "a " + status + " stored something: " + where);
        }
    }

    private static void send(String method, String path, String token, String body) {
        long before = latestId();
        Api.Answer a = api.send(method, path, token, body);
        check(method + " " + path + " " + abbreviate(body), a.status(), a.contentType(), a.body(), before);
    }

    // ------------------------------------------------------------------ generators

    private static String randomString(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> NASTY.get(r.nextInt(NASTY.size()));
            case 1 -> NASTY.get(r.nextInt(NASTY.size())) + "x" + NASTY.get(r.nextInt(NASTY.size()));
            case 2 -> {
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(40);
                for (int i = 0; i < n; i++) {
                    b.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x20) : r.nextInt(3) == 0 ? 0x80 + r.nextInt(0x2FFF) : 0x20 + r.nextInt(0x5F));
                }
                yield b.toString();
            }
            case 3 -> "y".repeat(r.nextInt(3) == 0 ? 70_000 : r.nextInt(5000));
            default -> Long.toString(r.nextLong());
        };
    }

    private static String randomJsonValue(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(6) : r.nextInt(8);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(r.nextBoolean());
            case 2 -> List.of("0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "123456789012345678901234567890",
                    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0.0000001", "1E2").get(r.nextInt(13));
            case 3, 4, 5 -> quote(randomString(r));
            case 6 -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    items.add(randomJsonValue(r, depth + 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> randomObject(r, depth + 1);
        };
    }

    private static final List<String> FIELDS = List.of("text", "subject", "category", "priority", "clientId", "internal",
            "status", "assigneeId", "messageId", "role", "id", "name", "__proto__", "constructor", "");

    private static String randomObject(Random r, int depth) {
        List<String> pairs = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            String key = r.nextInt(4) == 0 ? randomString(r) : FIELDS.get(r.nextInt(FIELDS.size()));
            pairs.add(quote(key) + ":" + randomJsonValue(r, depth));
        }
        return "{" + String.join(",", pairs) + "}";
    }

    /** A body: valid-looking, a random object, or a broken one. */
    private static String randomBody(Random r) {
        String valid = "{\"text\":" + quote(randomString(r)) + ",\"subject\":" + quote(randomString(r)) + "}";
        return switch (r.nextInt(9)) {
            case 0 -> valid;
            case 1 -> randomObject(r, 0);
            case 2 -> valid.substring(0, r.nextInt(valid.length()));                    // truncated
            case 3 -> valid + List.of(" x", "}", ",", "{}", "\u0000", "\n{\"a\":1}").get(r.nextInt(6)); // trailing
            case 4 -> "{\"text\":\"a\",\"text\":\"b\"}";                                 // duplicate key
            case 5 -> randomJsonValue(r, 0);                                             // not an object
            case 6 -> "[".repeat(r.nextInt(3000)) + "]".repeat(r.nextInt(3000));         // deep nesting
            case 7 -> "{\"text\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2000) + "}";
            default -> {
                char[] c = valid.toCharArray();
                c[r.nextInt(c.length)] = (char) r.nextInt(0x80);                          // one flipped char
                yield new String(c);
            }
        };
    }

    // ------------------------------------------------------------------ properties

    @Test
    void randomBodiesOnEveryWritingPathGet2xxOr4xxProblemsNeverA5xx() {
        Random r = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            String body = randomBody(r);
            switch (r.nextInt(7)) {
                case 0 -> send("POST", "/api/tickets", farmer, body);
                case 1 -> send("POST", "/api/tickets/" + ticket + "/messages", r.nextBoolean() ? farmer : admin, body);
                case 2 -> send("PATCH", "/api/tickets/" + ticket, r.nextBoolean() ? farmer : admin, body);
                case 3 -> send("POST", "/api/tickets/" + ticket + "/read", r.nextBoolean() ? farmer : admin, body);
                case 4 -> send("POST", "/api/tickets/" + ticket + "/typing", r.nextBoolean() ? farmer : admin, body);
                case 5 -> send("POST", "/api/dev/token", null, body);
                default -> send("POST", "/api/tickets/" + ticket + "/messages", other, body); // not theirs: 404, never stored
            }
            // a ticket left closed by a random PATCH would turn every later post into 409: reopen it
            if (i % 10 == 0) {
                api.patch("/api/tickets/" + ticket, admin, "{\"status\":\"open\"}");
            }
        }
        assertEquals(200, api.get("/observe/health", null).status());
    }

    @Test
    void everyFieldOfEveryTypeInEveryPlace() {
        String[] values = {"null", "true", "1", "-1", "1.5", "1e400", "123456789012345678901234567890", "\"\"",
                "\" \"", "[]", "{}", "[\"a\"]", "\"x\"", quote("x".repeat(100_000))};
        String[][] bodies = {
                {"POST", "/api/tickets", "{\"subject\":\"s\",\"text\":\"t\",\"%s\":%s}", "subject,text,category,priority,clientId"},
                {"POST", "/api/tickets/" + ticket + "/messages", "{\"text\":\"t\",\"%s\":%s}", "text,clientId,internal"},
                {"PATCH", "/api/tickets/" + ticket, "{\"%s\":%s}", "status,priority,category,assigneeId"},
                {"POST", "/api/tickets/" + ticket + "/read", "{\"%s\":%s}", "messageId"},
                {"POST", "/api/tickets/" + ticket + "/typing", "{\"%s\":%s}", "internal"},
        };
        for (String[] b : bodies) {
            for (String field : b[3].split(",")) {
                for (String v : values) {
                    send(b[0], b[1], admin.equals(b[1]) ? admin : b[0].equals("PATCH") ? admin : farmer,
                            String.format(b[2], field, v));
                    api.patch("/api/tickets/" + ticket, admin, "{\"status\":\"open\"}");
                }
            }
        }
    }

    @Test
    void nastyQueriesHeadersAndIdsOnReadingPaths() throws Exception {
        Random r = new Random(SEED);
        List<String> numbers = List.of("", "0", "-1", "1.5", "abc", "1e3", "99999999999999999999", "9223372036854775807",
                "-9223372036854775808", "%00", "0x10", " 1", "1 ", "+1", "１", "NaN");
        for (int i = 0; i < TRIES; i++) {
            String n = encode(r.nextBoolean() ? numbers.get(r.nextInt(numbers.size())) : randomString(r));
            long before = latestId();
            Api.Answer a = switch (r.nextInt(9)) {
                case 0 -> api.get("/api/tickets?limit=" + n, farmer);
                case 1 -> api.get("/api/tickets?cursor=" + n + "&status=" + encode(randomString(r)), admin);
                case 2 -> api.get("/api/tickets?assignee=" + n, admin);
                case 3 -> api.get("/api/tickets/" + ticket + "?before=" + n, farmer);
                case 4 -> api.get("/api/admin/events/poll?after=" + n + "&timeout=0", admin);
                case 5 -> api.get("/api/tickets/" + ticket + "/events/poll?after=1&timeout=" + n, farmer);
                case 6 -> api.get("/api/tickets/TKT-" + n, farmer);
                case 7 -> api.get("/api/farmers/" + n + "/events/poll?after=0&timeout=0", admin);
                default -> null;
            };
            if (a == null) {
                // a stream: a 200 stream stays open, so only its status and, when refused, its body are checked
                try (SseClient s = SseClient.open(api.base(), "/api/admin/events?lastEventId=" + n, admin)) {
                    if (s.status() != 200) {
                        check("stream with " + n, s.status(), s.header("Content-Type"), s.errorBody(), before);
                    }
                }
                continue;
            }
            check("GET with " + n, a.status(), a.contentType(), a.body(), before);
        }
        // Last-Event-ID values on a real stream: 400 or a stream, never 5xx
        for (String n : numbers) {
            try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer, "Last-Event-ID", n.strip().isEmpty() ? "0" : n.strip())) {
                assertTrue(s.status() == 200 || s.status() == 400, n + " -> " + s.status());
                if (s.status() == 400) {
                    assertTrue(s.errorBody().contains("Last-Event-ID"));
                }
            } catch (IllegalArgumentException notAHeaderValue) {
                // the client refuses to send it at all
            }
        }
    }

    @Test
    void unknownTicketsAndPathTricksAre4xxAndServeNoFileOutsideTheWebFolder() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 30; i++) {
            String id = "TKT-" + (1_000_000 + r.nextInt(1_000_000));
            long before = latestId();
            Api.Answer a = api.post("/api/tickets/" + id + "/messages", admin, "{\"text\":\"x\"}");
            check("unknown " + id, a.status(), a.contentType(), a.body(), before);
            assertEquals(404, a.status());
        }
        List<String> paths = List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                "/web/../pom.xml", "/..%2fpom.xml", "/%2e%2e%2fpom.xml", "//etc/passwd", "/farmer.html%00.js",
                "/api/tickets/..%2f..%2fetc%2fpasswd", "/api/tickets/TKT-1%00", "/api/tickets/TKT-0",
                "/api/tickets/TKT-99999999999999999999", "/api/tickets/%54KT-1/../../../pom.xml",
                "/api/tickets/TKT-1;jsessionid=x", "/api/tickets/TKT-1/messages/../../../../etc/passwd",
                "/observe/../pom.xml", "/.git/config", "/%252e%252e/pom.xml", "/\\..\\pom.xml", "/./././pom.xml");
        for (String p : paths) {
            String answer = raw("GET " + p + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + admin
                    + "\r\nConnection: close\r\n\r\n", new byte[0]);
            int status = Integer.parseInt(answer.substring(9, 12));
            assertTrue(status < 500, p + " -> " + answer);
            assertFalse(answer.contains("root:") || answer.contains("<project") || answer.contains("[core]"),
                    p + " served a file outside web/: " + abbreviate(answer));
        }
        assertEquals(200, api.get("/observe/health", null).status());
    }

    @Test
    void invalidUtf8AndRawBytesAre400() throws Exception {
        byte[][] bodies = {
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},      // bad continuation
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'},      // never valid
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // CESU surrogate
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},      // overlong '/'
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'},
                {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', 0, 'b', '"', '}'},                    // raw NUL
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'b', 'o', 'm', '"', '}'},
                {(byte) 0xFE, (byte) 0xFF, 0, '{'},
        };
        Random r = new Random(SEED);
        List<byte[]> all = new ArrayList<>(List.of(bodies));
        for (int i = 0; i < 40; i++) {
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            all.add(b);
        }
        for (byte[] body : all) {
            long before = latestId();
            String answer = raw("POST /api/tickets/" + ticket + "/messages HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + farmer + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n", body);
            int status = Integer.parseInt(answer.substring(9, 12));
            int split = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, split);
            String contentType = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(13).strip()).findFirst().orElse(null);
            if (status != 201) {
                check("raw bytes", status, contentType, answer.substring(split + 4), before);
            }
        }
        // a message that was valid UTF-8 with a BOM-less body arrives intact; health stays up
        assertEquals(200, api.get("/observe/health", null).status());
    }

    @Test
    void textOrSubjectMadeOnlyOfInvisibleCharactersIsEmpty() {
        // zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen, invisible operators, Hangul filler,
        // with white space around: nothing a reader would see
        List<String> invisible = List.of("\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\ufeff\u200b \u00a0\u2060",
                "\u00ad", "\u2062\u2063\u2064", "\u180e", "\u3164", "\u200e\u200f", " \u200b\n\u200b ");
        for (String nothing : invisible) {
            long before = latestId();
            Api.Answer message = api.post("/api/tickets/" + ticket + "/messages", farmer, "{\"text\":" + quote(nothing) + "}");
            check("message " + escape(nothing), message.status(), message.contentType(), message.body(), before);
            assertEquals(400, message.status(), escape(nothing) + " -> " + message);
            assertTrue(message.json().get("detail").asText().contains("text must not be empty"), message.toString());
            Api.Answer subject = api.post("/api/tickets", farmer, "{\"subject\":" + quote(nothing) + ",\"text\":\"t\"}");
            check("subject " + escape(nothing), subject.status(), subject.contentType(), subject.body(), before);
            assertEquals(400, subject.status(), escape(nothing) + " -> " + subject);
            Api.Answer text = api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":" + quote(nothing) + "}");
            assertEquals(400, text.status(), escape(nothing) + " -> " + text);
        }
        // visible text around invisible characters is text, stored as sent
        Api.Answer joined = api.post("/api/tickets/" + ticket + "/messages", farmer, "{\"text\":" + quote("\ufeffa\u200bb") + "}");
        assertEquals(201, joined.status(), joined.toString());
        assertEquals("\ufeffa\u200bb", joined.json().get("text").asText());
    }

    @Test
    void sseFramingCannotBeInjectedAndMarkupArrivesVerbatim() throws Exception {
        String t = api.createTicket(farmer, "framing", "start");
        long from = latestId();
        List<String> texts = new ArrayList<>();
        for (String s : NASTY) {
            String candidate = "m " + s + " end";
            Api.Answer a = api.post("/api/tickets/" + t + "/messages", farmer, "{\"text\":" + quote(candidate) + "}");
            if (a.status() == 201) {
                texts.add(a.json().get("text").asText());
                assertEquals(escape(candidate.strip()), escape(a.json().get("text").asText()), "stored as sent (trimmed)");
            } else {
                assertEquals(400, a.status(), candidate + " -> " + a);
            }
        }
        assertTrue(texts.size() > 40, "most nasty texts are valid messages: " + texts.size());
        // SSE: exactly one new-message event per message, ids increasing, text intact, nothing else
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + t + "/events", farmer, "Last-Event-ID",
                Long.toString(from))) {
            long last = from;
            for (String text : texts) {
                SseClient.Event e = s.next();
                assertEquals("new-message", e.type(), "an injected or foreign event: " + e);
                assertTrue(e.numericId() > last);
                last = e.numericId();
                assertEquals(text, e.json().at("/message/text").asText());
            }
            assertEquals(null, s.next(Duration.ofMillis(1500)), "no extra event");
            assertEquals(List.of(), s.comments().stream().filter(c -> !c.startsWith("farmdesk") && !c.equals("ping")).toList(),
                    "no injected comment lines");
        }
        // long-poll: the same, as JSON
        JsonNode page = api.get("/api/tickets/" + t + "/events/poll?timeout=0&after=" + from, farmer).json();
        List<String> polled = new ArrayList<>();
        page.get("events").forEach(e -> polled.add(e.at("/data/message/text").asText()));
        assertEquals(texts, polled);
        // REST: JSON content type (a browser never renders it as HTML), text verbatim
        Api.Answer ticketAnswer = api.get("/api/tickets/" + t, farmer);
        assertTrue(ticketAnswer.contentType().startsWith("application/json"));
        assertEquals("nosniff", ticketAnswer.header("X-Content-Type-Options"));
        assertTrue(ticketAnswer.body().contains("<script>alert(1)</script>"), "stored verbatim; escaping is the page's job");
    }

    // ------------------------------------------------------------------ helpers

    /** One raw HTTP/1.1 exchange over a socket (bytes exactly as given); the answer's head and body as text. */
    static String raw(String head, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int end = -1;
            while (end < 0) {
                int b = in.read();
                if (b < 0) {
                    return all.toString(StandardCharsets.UTF_8);
                }
                all.write(b);
                String sofar = all.toString(StandardCharsets.ISO_8859_1);
                end = sofar.indexOf("\r\n\r\n");
            }
            String answerHead = all.toString(StandardCharsets.ISO_8859_1);
            int length = answerHead.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
            if (answerHead.toLowerCase().contains("transfer-encoding: chunked")) {
                all.write(in.readNBytes(200_000)); // until the server closes or the timeout; enough to look at
            } else {
                all.write(in.readNBytes(length));
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper ASCII = com.fasterxml.jackson.databind.json.JsonMapper
            .builder().enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /** A JSON string with every non-ASCII character escaped, so even an unpaired surrogate reaches the server as sent. */
    static String quote(String s) {
        try {
            return ASCII.writeValueAsString(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c)));
        return b.toString();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + ")" : s;
    }
}
