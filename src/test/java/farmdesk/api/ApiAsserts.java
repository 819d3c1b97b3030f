package farmdesk.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import farmdesk.testing.Api;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared assertions and helpers for the API contract tests. */
final class ApiAsserts {

    private ApiAsserts() {
    }

    /**
     * Asserts an RFC 9457 problem answer: the status, {@code application/problem+json}, and a body with
     * type, title, status and a non-empty detail that contains each of {@code detailParts} (ignoring case).
     */
    static JsonNode assertProblem(Api.Answer a, int status, String... detailParts) {
        assertEquals(status, a.status(), () -> "status of " + a);
        String type = a.contentType();
        assertNotNull(type, "Content-Type of " + a);
        assertTrue(type.toLowerCase(Locale.ROOT).startsWith("application/problem+json"),
                "Content-Type must be application/problem+json, got " + type + " for " + a);
        JsonNode body = a.json();
        assertTrue(body.isObject(), "problem body must be an object: " + a);
        assertTrue(body.path("type").isTextual() && !body.path("type").asText().isEmpty(), "problem type: " + a);
        assertTrue(body.path("title").isTextual() && !body.path("title").asText().isEmpty(), "problem title: " + a);
        assertTrue(body.path("status").isIntegralNumber(), "problem status must be a number: " + a);
        assertEquals(status, body.get("status").asInt(), "problem status: " + a);
        assertTrue(body.path("detail").isTextual() && !body.path("detail").asText().isBlank(), "problem detail: " + a);
        String detail = body.get("detail").asText().toLowerCase(Locale.ROOT);
        for (String part : detailParts) {
            assertTrue(detail.contains(part.toLowerCase(Locale.ROOT)),
                    "detail should mention '" + part + "': " + body.get("detail").asText());
        }
        return body;
    }

    /** Asserts a 2xx JSON answer with {@code application/json}. */
    static JsonNode assertJson(Api.Answer a, int status) {
        assertEquals(status, a.status(), () -> "status of " + a);
        assertNotNull(a.contentType(), "Content-Type of " + a);
        assertTrue(a.contentType().startsWith("application/json"), "Content-Type: " + a.contentType());
        return a.json();
    }

    /** A key present with JSON null (not left out). */
    static void assertNullPresent(JsonNode node, String key) {
        assertTrue(node.has(key), () -> "key '" + key + "' must be present in " + node);
        assertTrue(node.get(key).isNull(), () -> "key '" + key + "' must be null in " + node);
    }

    /** An HS256 token with arbitrary claims. */
    static String hs256(String secret, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    static String messagesPath(String ticketId) {
        return "/api/tickets/" + ticketId + "/messages";
    }

    static String messageBody(String text) {
        return "{\"text\":" + Api.quote(text) + "}";
    }

    static String messageBody(String text, String clientId) {
        return "{\"text\":" + Api.quote(text) + ",\"clientId\":" + Api.quote(clientId) + "}";
    }

    static String internalNote(String text) {
        return "{\"text\":" + Api.quote(text) + ",\"internal\":true}";
    }

    /** Whether a stream/poll event is the public new-message carrying {@code text}. */
    static boolean isMessage(String type, JsonNode data, String text) {
        return "new-message".equals(type) && text.equals(data.path("message").path("text").asText());
    }

    /**
     * Reads SSE events until the new-message with {@code markerText} arrives; returns everything read,
     * the marker last. Fails when the stream ends or goes quiet first.
     */
    static List<SseClient.Event> readUntilMarker(SseClient stream, String markerText) throws InterruptedException {
        List<SseClient.Event> seen = new ArrayList<>();
        while (true) {
            SseClient.Event e = stream.next(Duration.ofSeconds(15));
            if (e == null) {
                fail("the marker '" + markerText + "' never arrived (ended: " + stream.ended() + "); saw " + seen);
            }
            seen.add(e);
            if (e.data().startsWith("{") && isMessage(e.type(), e.json(), markerText)) {
                return seen;
            }
        }
    }

    /** One event of a long-poll answer. */
    record Polled(long id, String type, JsonNode data) {
    }

    /**
     * Long-polls {@code pollPath} from {@code after} until the new-message with {@code markerText} is
     * returned; returns every event returned, the marker last.
     */
    static List<Polled> pollUntilMarker(Api api, String pollPath, String token, long after, String markerText) {
        List<Polled> seen = new ArrayList<>();
        long next = after;
        long last = after;
        for (int round = 0; round < 100; round++) {
            Api.Answer a = api.get(pollPath + (pollPath.contains("?") ? "&" : "?") + "after=" + next + "&timeout=10", token);
            JsonNode body = assertJson(a, 200);
            assertTrue(body.path("events").isArray(), "events: " + a);
            for (JsonNode e : body.get("events")) {
                Polled p = new Polled(e.get("id").asLong(), e.get("type").asText(), e.get("data"));
                assertTrue(p.id() > last, "poll ids increase: " + a);
                last = p.id();
                seen.add(p);
                if (isMessage(p.type(), p.data(), markerText)) {
                    return seen;
                }
            }
            long n = body.get("next").asLong();
            assertTrue(n >= next, "poll next never goes back: " + a);
            next = n;
        }
        fail("the marker '" + markerText + "' never came by polling " + pollPath + "; saw " + seen);
        return seen;
    }

    static void assertNone(List<?> events, Predicate<Object> forbidden, String what) {
        for (Object e : events) {
            assertFalse(forbidden.test(e), what + ": " + e);
        }
    }
}
