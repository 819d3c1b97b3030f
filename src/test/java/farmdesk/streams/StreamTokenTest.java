package farmdesk.streams;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.auth.Viewer;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static farmdesk.streams.StreamLifecycleTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream tokens ({@code POST /api/stream-token}): what travels in stream and poll URLs instead of the
 * session token. They open streams and polls of their viewer for two minutes and do nothing else, and
 * the two kinds never pass for each other.
 */
@FarmdeskServer
// not on PostgreSQL: which token opens what is decided before any query; polls on PostgreSQL are LongPollTest's
@Tag("h2-only")
class StreamTokenTest {

    private final Farmdesk app;
    private final Api api;

    StreamTokenTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @Test
    void aStreamTokenOpensTheViewersStreamsAndPolls() throws Exception {
        String session = api.farmer("F-st-1");
        String ticket = api.createTicket(session, "Stream token", "hello");
        Api.Answer minted = api.post("/api/stream-token", session, null);
        assertEquals(200, minted.status(), minted.toString());
        assertEquals("no-store", minted.header("Cache-Control"));
        assertEquals(120, minted.json().get("expiresIn").asLong());
        String q = URLEncoder.encode(minted.json().get("token").asText(), StandardCharsets.UTF_8);

        try (SseClient farmerStream = SseClient.open(api.base(), "/api/farmers/F-st-1/events?access_token=" + q, null);
             SseClient ticketStream = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events?access_token=" + q, null)) {
            assertEquals(200, farmerStream.status());
            assertEquals(200, ticketStream.status());
            api.postMessage(session, ticket, "through a stream token");
            assertEquals("through a stream token", farmerStream.next().json().at("/message/text").asText());
            assertEquals("through a stream token", ticketStream.next().json().at("/message/text").asText());
        }
        Api.Answer poll = api.get("/api/farmers/F-st-1/events/poll?timeout=0&after=0&access_token=" + q, null);
        assertEquals(200, poll.status());
        assertTrue(poll.json().get("events").size() >= 3);
        assertEquals(200, api.get("/api/farmers/F-st-1/events/poll?access_token=" + q, null).status());
        // in the Authorization header too
        String streamToken = minted.json().get("token").asText();
        assertEquals(200, api.get("/api/farmers/F-st-1/events/poll?timeout=0&after=0", streamToken).status());
        // the session token in the URL still works (older clients), but the stream token is the way
        String sq = URLEncoder.encode(session, StandardCharsets.UTF_8);
        assertEquals(200, api.get("/api/farmers/F-st-1/events/poll?timeout=0&after=0&access_token=" + sq, null).status());
    }

    @Test
    void aStreamTokenIsRefusedByEveryOtherEndpoint() {
        String session = api.farmer("F-st-2");
        String ticket = api.createTicket(session, "Stream token", "hello");
        String streamToken = api.post("/api/stream-token", session, null).json().get("token").asText();
        assertEquals(401, api.get("/api/tickets", streamToken).status());
        assertEquals(401, api.get("/api/tickets/" + ticket, streamToken).status());
        assertEquals(401, api.post("/api/tickets/" + ticket + "/messages", streamToken, "{\"text\":\"x\"}").status());
        assertEquals(401, api.post("/api/tickets", streamToken, "{\"subject\":\"s\",\"text\":\"t\"}").status());
        assertEquals(401, api.patch("/api/tickets/" + ticket, streamToken, "{\"status\":\"closed\"}").status());
        assertEquals(401, api.post("/api/tickets/" + ticket + "/typing", streamToken, null).status());
        // it cannot renew itself: a stream token comes only for a session token
        Api.Answer renew = api.post("/api/stream-token", streamToken, null);
        assertEquals(401, renew.status());
        assertTrue(renew.body().contains("session token"), renew.body());
        assertEquals(401, api.post("/api/stream-token", null, null).status());
        assertEquals(1, api.get("/api/tickets", session).json().get("tickets").size(), "nothing was created");
    }

    @Test
    void aStreamTokenOpensOnlyItsViewersStreams() throws Exception {
        String other = api.createTicket(api.farmer("F-st-other"), "Not yours", "hello");
        String streamToken = api.post("/api/stream-token", api.farmer("F-st-3"), null).json().get("token").asText();
        assertEquals(403, api.get("/api/farmers/F-st-other/events/poll?timeout=0&after=0", streamToken).status());
        assertEquals(403, api.get("/api/admin/events/poll?timeout=0&after=0", streamToken).status());
        assertEquals(404, api.get("/api/tickets/" + other + "/events/poll?timeout=0&after=0", streamToken).status());
    }

    @Test
    void aStreamTokenOpensNothingAfterTwoMinutes() throws Exception {
        Viewer session = new Viewer("F-st-4", Role.FARMER, "Asha", Instant.now().plus(Duration.ofHours(1)));
        String old = app.tokens().mintStream(session, Instant.now().minus(Duration.ofSeconds(121)));
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-st-4/events?access_token=" + old, null)) {
            assertEquals(401, s.status());
        }
        assertEquals(401, api.get("/api/farmers/F-st-4/events/poll?timeout=0&after=0", old).status());
        String young = app.tokens().mintStream(session, Instant.now().minus(Duration.ofSeconds(100)));
        assertEquals(200, api.get("/api/farmers/F-st-4/events/poll?timeout=0&after=0", young).status());
    }

    @Test
    void aStreamOpenedWithAStreamTokenRunsUntilTheSessionExpires() throws Exception {
        String session = api.farmer("F-st-5");
        String ticket = api.createTicket(session, "Long stream", "hello");
        Viewer viewer = new Viewer("F-st-5", Role.FARMER, "Farmer F-st-5", Instant.now().plus(Duration.ofHours(1)));
        // it stops opening a few seconds from now (JWT times are whole seconds, and a loaded machine may
        // take a second to open the stream: a 1 s window made this test fail once)
        Instant issued = Instant.now().minus(Tokens.STREAM_TOKEN_OPENS_FOR).plusSeconds(5);
        String token = app.tokens().mintStream(viewer, issued);
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", token)) {
            assertEquals(200, s.status());
            awaitCondition(() -> Instant.now().isAfter(issued.plus(Tokens.STREAM_TOKEN_OPENS_FOR).plusMillis(500)), "the token to stop opening");
            assertEquals(401, api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=0", token).status());
            api.postMessage(session, ticket, "still streaming");
            SseClient.Event e = s.next();
            assertEquals("still streaming", e.json().at("/message/text").asText(), "the open stream goes on");
        }
        // and it ends with token-expired when the session does
        Viewer shortSession = new Viewer("F-st-5", Role.FARMER, "F", Instant.now().plusSeconds(5));
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events",
                app.tokens().mintStream(shortSession, Instant.now()))) {
            assertEquals(200, s.status());
            SseClient.Event e = s.next(Duration.ofSeconds(30));
            assertTrue(e != null && e.type().equals("token-expired"), "token-expired at the session's exp");
        }
    }

    @Test
    void theTwoKindsNeverPassForEachOther() throws Exception {
        byte[] secret = TestSettings.SECRET.getBytes(StandardCharsets.UTF_8);
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        // a session-typed token carrying streamUntil: refused everywhere (only stream tokens carry it)
        String sessionWithStreamClaim = sign(JOSEObjectType.JWT, secret, new JWTClaimsSet.Builder().subject("F-st-6")
                .claim("role", "farmer").expirationTime(new java.util.Date(exp * 1000)).claim("streamUntil", exp).build());
        assertEquals(401, api.get("/api/tickets", sessionWithStreamClaim).status());
        assertEquals(401, api.get("/api/farmers/F-st-6/events/poll?timeout=0&after=0", sessionWithStreamClaim).status());
        // stream-typed without the stream audience, or without streamUntil: refused on streams as well
        String noAudience = sign(new JOSEObjectType("farmdesk-stream+jwt"), secret, new JWTClaimsSet.Builder()
                .subject("F-st-6").claim("role", "farmer").expirationTime(new java.util.Date(exp * 1000))
                .claim("streamUntil", exp).build());
        assertEquals(401, api.get("/api/farmers/F-st-6/events/poll?timeout=0&after=0", noAudience).status());
        String noUntil = sign(new JOSEObjectType("farmdesk-stream+jwt"), secret, new JWTClaimsSet.Builder()
                .subject("F-st-6").claim("role", "farmer").audience("farmdesk-stream")
                .expirationTime(new java.util.Date(exp * 1000)).build());
        assertEquals(401, api.get("/api/farmers/F-st-6/events/poll?timeout=0&after=0", noUntil).status());
        // a well-formed one of each kind, for contrast
        String session = api.farmer("F-st-6");
        JsonNode minted = api.post("/api/stream-token", session, null).json();
        assertEquals(200, api.get("/api/tickets", session).status());
        assertEquals(200, api.get("/api/farmers/F-st-6/events/poll?timeout=0&after=0", minted.get("token").asText()).status());
        assertFalse(minted.get("token").asText().equals(session));
    }

    private static String sign(JOSEObjectType type, byte[] secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(type).build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
