package farmdesk.api;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Message text and request bodies (docs/api.md, "Precise rules", "Errors"): trimming and measuring in code
 * points, white space, malformed JSON and the 64 KiB body limit.
 */
class TextAndBodiesContractTest extends TicketsContractBase {

    @Test
    void noBreakSpacesCountAsWhiteSpaceAndTrailingGarbageIsRefused() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        assertProblem(api.post("/api/tickets/" + id + "/messages", farmer, "{\"text\":\"\u00a0\u2007\u202f \"}"),
                400, "text");
        JsonNode m = assertJson(api.post("/api/tickets/" + id + "/messages", farmer,
                "{\"text\":\"\u00a0hello\u00a0\"}"), 201);
        assertEquals("hello", m.get("text").asText());
        assertProblem(api.post("/api/tickets/" + id + "/messages", farmer, "{\"text\":\"a\"} {\"text\":\"b\"}"),
                400, "malformed JSON");
    }

    @Test
    void textIsTrimmedThenMeasuredInCodePoints() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        String emoji = "\uD83D\uDE9C"; // 🚜, two UTF-16 units, one code point
        String max = emoji.repeat(4000);
        JsonNode m = assertJson(api.post(messagesPath(id), farmer, messageBody("  \n" + max + "\t ")), 201);
        assertEquals(max, m.get("text").asText());
        assertEquals(max, getTicket(id, farmer).at("/messages/1/text").asText(), "stored trimmed and whole");

        assertProblem(api.post(messagesPath(id), farmer, messageBody(emoji.repeat(4001))), 400, "text", "4000");
        assertProblem(api.post(messagesPath(id), farmer, messageBody("x".repeat(4001))), 400, "text", "4000");
        assertJson(api.post(messagesPath(id), farmer, messageBody("x".repeat(4000))), 201);
        assertJson(api.post(messagesPath(id), farmer, messageBody("   " + "é".repeat(4000) + "   ")), 201);
        for (String blank : List.of("", " ", "   \n\t\r  ", "\u2003\u3000")) {
            assertProblem(api.post(messagesPath(id), farmer, messageBody(blank)), 400, "text", "empty");
        }
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":null}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"a\\u0000b\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"broken \\ud800 surrogate\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"internal\":\"yes\"}"), 400, "internal");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"clientId\":42}"), 400, "clientId");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"clientId\":\"  \"}"), 400, "clientId");
        assertEquals(4, getTicket(id, farmer).get("messages").size(), "nothing refused was stored");
    }

    @Test
    void malformedBodiesAre400WithADetail() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        for (String body : List.of("{", "{\"text\":", "not json", "{'text':'x'}", "{\"text\":\"x\",}")) {
            assertProblem(api.post(messagesPath(id), farmer, body), 400, "JSON");
            assertProblem(api.post("/api/tickets", farmer, body), 400, "JSON");
        }
        for (String body : List.of("[]", "\"text\"", "42", "null", "true", "[{\"text\":\"x\"}]")) {
            assertProblem(api.post(messagesPath(id), farmer, body), 400, "JSON object");
        }
        assertProblem(api.post(messagesPath(id), farmer, ""), 400);
        assertProblem(api.post(messagesPath(id), farmer, null), 400);
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"a\",\"text\":\"b\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "[".repeat(5000) + "]".repeat(5000)), 400);
        assertProblem(api.post(messagesPath(id), farmer, "{\"x\":" + "[".repeat(3000) + "]".repeat(3000) + ",\"text\":\"t\"}"), 400);
        assertProblem(rawPost(messagesPath(id), farmer,
                new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}), 400);
        assertEquals(1, getTicket(id, farmer).get("messages").size());
    }

    private Api.Answer rawPost(String path, String token, byte[] body) {
        HttpRequest req = HttpRequest.newBuilder(api.base().resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return sendRaw(req);
    }

    private static Api.Answer sendRaw(HttpRequest req) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Api.Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(req + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void bodiesAbove64KiBAre413AndExactly64KiBIsAccepted() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");

        String prefix = "{\"text\":\"fits\",\"pad\":\"";
        String suffix = "\"}";
        String exact = prefix + "p".repeat(64 * 1024 - prefix.length() - suffix.length()) + suffix;
        assertEquals(64 * 1024, exact.getBytes(StandardCharsets.UTF_8).length);
        assertJson(api.post(messagesPath(id), farmer, exact), 201);

        String over = prefix + "p".repeat(64 * 1024 + 1 - prefix.length() - suffix.length()) + suffix;
        assertProblem(api.post(messagesPath(id), farmer, over), 413);
        String big = prefix + "p".repeat(200_000) + suffix;
        // repeatedly: the 413 must reach the client every time, not a connection reset while it still sends
        for (int size : new int[] {70_000, 200_000, 1_000_000}) {
            String body = prefix + "p".repeat(size) + suffix;
            for (int i = 0; i < 15; i++) {
                assertProblem(api.post(messagesPath(id), farmer, body), 413, "65536");
            }
        }
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"pad\":\""
                + "p".repeat(70_000) + "\"}"), 413);
        assertProblem(api.patch("/api/tickets/" + id, farmer, "{\"status\":\"closed\",\"pad\":\""
                + "p".repeat(70_000) + "\"}"), 413);

        // without a Content-Length (chunked) the limit holds too
        byte[] chunked = big.getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(api.base().resolve(messagesPath(id)))
                .header("Authorization", "Bearer " + farmer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked)))
                .build();
        assertProblem(sendRaw(req), 413);

        JsonNode t = getTicket(id, farmer);
        assertEquals(2, t.get("messages").size(), "nothing too large was stored");
        assertEquals("open", t.get("status").asText());
    }
}
