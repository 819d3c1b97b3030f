package farmdesk.streams;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.auth.Role;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams and expired tokens: the REST leeway (60 s) does not let a stream or poll open with an expired
 * token, and a stream ends with token-expired at the token's exp, not at its next heartbeat.
 */
@FarmdeskServer
// not on PostgreSQL: token expiry is checked by the HTTP layer and the stream's timer, not by a query
@Tag("h2-only")
class TokenExpiryTest {

    private final Farmdesk app;
    private final Api api;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        // heartbeats an hour apart: nothing but the token's exp can end a quiet stream during the test
        settings.heartbeat(Duration.ofHours(1));
    }

    TokenExpiryTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @Test
    void aStreamEndsWithTokenExpiredAtExpNotAtItsNextHeartbeat() throws Exception {
        String token = app.tokens().mint("F-exp-1", Role.FARMER, "Expiring", Duration.ofSeconds(5));
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-exp-1/events", token)) {
            assertEquals(200, s.status());
            SseClient.Event e = s.next(Duration.ofSeconds(30));
            assertTrue(e != null, "token-expired came (the stream is quiet, the heartbeat an hour away)");
            assertEquals("token-expired", e.type());
            assertNull(e.id());
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)), "the server ended the stream");
        }
    }

    @Test
    void aStreamOrPollWithAnExpiredTokenIsRefusedEvenWithinTheRestLeeway() throws Exception {
        String expired = app.tokens().mint("F-exp-2", Role.FARMER, "Expired", Duration.ofSeconds(-5));
        // REST keeps its 60 s leeway for clock skew
        assertEquals(200, api.get("/api/tickets", expired).status());
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-exp-2/events", expired)) {
            assertEquals(401, s.status());
            assertTrue(s.errorBody().contains("expired"));
        }
        String q = URLEncoder.encode(expired, StandardCharsets.UTF_8);
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-exp-2/events?access_token=" + q, null)) {
            assertEquals(401, s.status());
        }
        assertEquals(401, api.get("/api/farmers/F-exp-2/events/poll?timeout=0&after=0", expired).status());
        assertEquals(401, api.get("/api/farmers/F-exp-2/events/poll", expired).status());
    }
}
