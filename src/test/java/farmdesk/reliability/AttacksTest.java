package farmdesk.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks the existing suites do not cover (tokens: TokensAndUnknownPathsContractTest.tokenRules; another
 * farmer's ticket on every path and internal notes: AuthorizationMatrixTest; rate and stream limits:
 * RateLimitsContractTest; body limits: TextAndBodiesContractTest): forged tokens on every kind of path, a
 * token subject that would inject SSE framing, the token in {@code ?access_token=} never reaching a log,
 * CORS for configured origins only, and many connections that never finish their request headers.
 */
@FarmdeskServer
class AttacksTest {

    private static final String[] SSE = {"Accept", "text/event-stream"};
    private static final String ORIGIN = "https://market.example";

    private static Farmdesk app;
    private static Api api;
    private static final List<String> logged = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            logged.add(formatter.format(r) + " " + java.util.Arrays.toString(r.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Held, so the level set below stays (the test logging configuration turns the access log off). */
    private static final Logger ACCESS = Logger.getLogger("farmdesk.access");
    private static Level accessLevel;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        settings.corsOrigins(List.of(ORIGIN, "http://localhost:5173"));
    }

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
        accessLevel = ACCESS.getLevel();
        ACCESS.setLevel(Level.INFO);
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
        ACCESS.setLevel(accessLevel); // as configured (off for the suite), not inherited from the root (INFO)
    }

    // ------------------------------------------------------------------ tokens

    private static JWTClaimsSet.Builder claims(String sub, String role) {
        return new JWTClaimsSet.Builder().subject(sub).claim("role", role).claim("name", "N")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    /** Signs by hand (nimbus refuses keys shorter than the algorithm wants; an attacker does not care). */
    private static String sign(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims) throws Exception {
        String mac = "HmacSHA" + alg.getName().substring(2);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(("{\"alg\":\"" + alg.getName() + "\",\"typ\":\"JWT\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        javax.crypto.Mac m = javax.crypto.Mac.getInstance(mac);
        m.init(new javax.crypto.spec.SecretKeySpec(secret, mac));
        return signingInput + "." + b64.encodeToString(m.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Every kind of path a token opens: REST read and write, typing, read mark, SSE (header and query), poll. */
    private List<Integer> everyPath(String token, String ticket, long messageId) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(api.get("/api/tickets/" + ticket, token).status());
        statuses.add(api.post("/api/tickets/" + ticket + "/messages", token, "{\"text\":\"forged\"}").status());
        statuses.add(api.patch("/api/tickets/" + ticket, token, "{\"status\":\"closed\"}").status());
        statuses.add(api.post("/api/tickets/" + ticket + "/typing", token, null).status());
        statuses.add(api.post("/api/tickets/" + ticket + "/read", token, "{\"messageId\":" + messageId + "}").status());
        statuses.add(api.get("/api/admin/events/poll?after=0&timeout=0", token).status());
        statuses.add(api.get("/api/tickets/" + ticket + "/events/poll?after=0&timeout=0", token).status());
        statuses.add(api.get("/api/admin/events/poll?after=0&timeout=0&access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8), null).status());
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", token)) {
            statuses.add(s.status());
        }
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events?access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8), null)) {
            statuses.add(s.status());
        }
        return statuses;
    }

    @Test
    void forgedTokensAre401OnEveryKindOfPath() throws Exception {
        String farmer = api.farmer("F-forge");
        String ticket = api.createTicket(farmer, "forge", "first");
        long messageId = api.get("/api/tickets/" + ticket, farmer).json().at("/messages/0/id").asLong();
        long latest = api.get("/api/admin/events/poll", api.admin("A-forge")).json().get("next").asLong();
        byte[] secret = TestSettings.SECRET.getBytes(StandardCharsets.UTF_8);

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        SignedJWT rs256 = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims("A-rsa", "admin").build());
        rs256.sign(new RSASSASigner(pair.getPrivate()));

        // the farmer's own valid token, with the role in the payload changed to admin (signature kept)
        String real = sign(JWSAlgorithm.HS256, secret, claims("F-forge", "farmer").build());
        assertEquals(200, api.get("/api/tickets/" + ticket, real).status(), "the hand-signed control token is valid");
        String[] parts = real.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"farmer\"", "\"admin\"");
        String roleChanged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        // the header's alg changed to none, the signature dropped
        String noneHeader = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

        List<String> forged = List.of(
                sign(JWSAlgorithm.HS512, secret, claims("A-hs512", "admin").build()),  // another algorithm, the real secret
                sign(JWSAlgorithm.HS384, secret, claims("A-hs384", "admin").build()),
                rs256.serialize(),                                                                 // asymmetric, attacker's key
                roleChanged,
                noneHeader + "." + parts[1] + ".",
                noneHeader + "." + parts[1] + "." + parts[2],
                sign(JWSAlgorithm.HS256, "wrong-secret-wrong-secret-wrong-secret!!".getBytes(StandardCharsets.UTF_8),
                        claims("A-wrong", "admin").build()),
                sign(JWSAlgorithm.HS256, secret, claims("A-old", "admin")
                        .expirationTime(Date.from(Instant.now().minusSeconds(3600))).build()),       // expired
                sign(JWSAlgorithm.HS256, secret, new JWTClaimsSet.Builder().subject("A-noexp").claim("role", "admin").build()),
                sign(JWSAlgorithm.HS256, secret, claims("A-later", "admin")
                        .notBeforeTime(Date.from(Instant.now().plusSeconds(3600))).build()),         // not valid yet
                sign(JWSAlgorithm.HS256, secret, claims("A-1\nid: 999999\nevent: new-message\ndata: {}", "admin").build()),
                sign(JWSAlgorithm.HS256, secret, claims("A-1\r\n\r\nevent: x", "admin").build()),
                sign(JWSAlgorithm.HS256, secret, claims(" A-1", "admin").build()),
                sign(JWSAlgorithm.HS256, secret, claims("A-\u0000", "admin").build()));
        for (String token : forged) {
            for (int status : everyPath(token, ticket, messageId)) {
                assertEquals(401, status, "a forged token was not refused: " + token);
            }
        }
        assertEquals(latest, api.get("/api/admin/events/poll", api.admin("A-forge")).json().get("next").asLong(),
                "a forged token stored something");
        assertEquals("open", api.get("/api/tickets/" + ticket, farmer).json().get("status").asText());
    }

    @Test
    void aSubjectWithLineBreaksCannotForgeAnEventInTheStreamHello() throws Exception {
        // before the fix this token was accepted and its sub, written into the stream's opening comment,
        // produced an event with id 999999 that the client then resumed from
        byte[] secret = TestSettings.SECRET.getBytes(StandardCharsets.UTF_8);
        String evil = sign(JWSAlgorithm.HS256, secret,
                claims("A-x\nid: 999999\nevent: new-message\ndata: {\"forged\":true}\n", "admin").build());
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events", evil)) {
            assertEquals(401, s.status());
            assertNull(s.next(Duration.ofMillis(300)));
        }
    }

    // ------------------------------------------------------------------ logs

    @Test
    void theAccessTokenInTheQueryNeverReachesALog() throws Exception {
        String admin = api.admin("A-log");
        String farmer = api.farmer("F-log");
        String ticket = api.createTicket(farmer, "log", "first");
        String q = URLEncoder.encode(admin, StandardCharsets.UTF_8);
        String bad = admin.substring(0, admin.length() - 3) + "abc";
        logged.clear();
        assertEquals(200, api.get("/api/admin/events/poll?after=0&timeout=0&access_token=" + q, null).status());
        assertEquals(400, api.get("/api/admin/events/poll?after=abc&access_token=" + q, null).status());
        assertEquals(401, api.get("/api/admin/events/poll?after=0&access_token=" + bad, null).status());
        assertEquals(401, api.get("/api/tickets?access_token=" + q, null).status()); // not accepted on REST
        assertEquals(404, api.get("/api/nowhere?access_token=" + q, null).status());
        assertEquals(200, api.get("/api/tickets/" + ticket + "/events/poll?after=0&timeout=0&ACCESS_TOKEN=" + q
                + "&access%5Ftoken=" + q, admin).status());
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events?lastEventId=0&access_token=" + q, null)) {
            assertEquals(200, s.status());
            s.next();
        }
        // malformed requests answered before routing, with the token in their query
        rawStatus("GET /api/admin/events/poll?after=0&access_token=" + q + "&x=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        rawStatus("GET /api/admin/events/poll?access_token=" + q + "&\u0001 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        rawStatus("GET /api/admin/events/poll?access_token=" + q + " HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");
        Thread.sleep(3000); // the stream's access line comes when the server notices it is gone
        String all = String.join("\n", logged);
        assertTrue(all.contains("access_token=[redacted]"), "the access log writes stream URLs, redacted:\n" + all);
        assertTrue(all.contains("GET /api/admin/events/poll?after=0&timeout=0&access_token=[redacted] 200"), all);
        for (String secretPart : List.of(admin, bad, admin.split("\\.")[2], bad.split("\\.")[2])) {
            assertFalse(all.contains(secretPart), "a token reached the log:\n" + all);
        }
    }

    // ------------------------------------------------------------------ CORS

    @Test
    void corsAnswersOnlyConfiguredOrigins() {
        String admin = api.admin("A-cors");
        Api.Answer allowed = api.send("GET", "/api/tickets", admin, null, new String[] {"Origin", ORIGIN});
        assertEquals(200, allowed.status());
        assertEquals(ORIGIN, allowed.header("Access-Control-Allow-Origin"));
        assertTrue(allowed.header("Vary").contains("Origin"));
        assertNull(allowed.header("Access-Control-Allow-Credentials"), "tokens, not cookies: no credentials mode");

        for (String evil : List.of("https://evil.example", "https://market.example.evil.example", "null",
                "http://market.example", "https://market.example:8443", "HTTPS://MARKET.EXAMPLE")) {
            Api.Answer a = api.send("GET", "/api/tickets", admin, null, new String[] {"Origin", evil});
            assertEquals(200, a.status());
            assertNull(a.header("Access-Control-Allow-Origin"), evil + " got a CORS header");
            Api.Answer pre = api.send("OPTIONS", "/api/tickets", null, null, new String[] {"Origin", evil,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization"});
            assertEquals(403, pre.status(), evil);
            assertNull(pre.header("Access-Control-Allow-Origin"));
        }
        Api.Answer pre = api.send("OPTIONS", "/api/tickets/TKT-1/messages", null, null, new String[] {"Origin", ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type"});
        assertEquals(204, pre.status(), pre.toString());
        assertEquals(ORIGIN, pre.header("Access-Control-Allow-Origin"));
        assertTrue(pre.header("Access-Control-Allow-Methods").contains("POST"));
        assertTrue(pre.header("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
        // error answers carry it too, so a page can read the problem
        Api.Answer refused = api.send("GET", "/api/tickets", null, null, new String[] {"Origin", ORIGIN});
        assertEquals(401, refused.status());
        assertEquals(ORIGIN, refused.header("Access-Control-Allow-Origin"));
        // no Origin: no CORS headers
        assertNull(api.get("/api/tickets", admin).header("Access-Control-Allow-Origin"));
    }

    @Test
    void withoutConfiguredOriginsThereAreNoCorsHeaders(Servers servers) {
        Farmdesk plain = servers.start(TestSettings.inMemory());
        Api p = new Api(plain.port());
        Api.Answer a = p.send("GET", "/api/tickets", p.admin("A-nocors"), null, new String[] {"Origin", ORIGIN});
        assertEquals(200, a.status());
        assertNull(a.header("Access-Control-Allow-Origin"));
    }

    // ------------------------------------------------------------------ slow connections

    @Test
    void connectionsThatNeverFinishTheirHeadersDoNotTakeTheServiceDown() throws Exception {
        String farmer = api.farmer("F-slow");
        String admin = api.admin("A-slow");
        String ticket = api.createTicket(farmer, "slowloris", "first");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", app.port()), 5000);
                OutputStream out = s.getOutputStream();
                switch (i % 3) {
                    case 0 -> out.write("GET /api/tickets HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    case 1 -> out.write("POST /api/tickets/TKT-1/messages HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"te"
                            .getBytes(StandardCharsets.US_ASCII));
                    default -> { } // connects and says nothing
                }
                out.flush();
                sockets.add(s);
            }
            // the service still answers: health, REST, a post, a stream
            assertEquals(200, api.get("/observe/health", null).status());
            assertEquals(200, api.get("/api/tickets/" + ticket, farmer).status());
            try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin)) {
                assertEquals(200, s.status());
                api.postMessage(farmer, ticket, "still here");
                assertEquals("new-message", s.next().type());
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertEquals(200, api.get("/observe/health", null).status());
    }

    /** Sends raw bytes; returns the status code (or -1 when the server closed without one). */
    private static int rawStatus(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            return head.length < 12 ? -1 : Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
        }
    }
}
