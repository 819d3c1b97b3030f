package farmdesk.push;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import farmdesk.testing.Api;

/**
 * A push service on a loopback port (JDK HttpServer), as a browser vendor's would be: it checks each
 * request's VAPID JWT (ES256 with the server's public key, aud = this origin, exp within 24 h, sub) and
 * the headers, decrypts the body with the subscription's keys, and keeps what arrived per endpoint.
 * Anything wrong is kept as a problem, answered 400, and fails the test ({@link #assertNoProblems}).
 */
final class TestPushService implements AutoCloseable {

    /** A push that arrived: its decrypted payload and headers, and when its request began to arrive. */
    record Push(String endpoint, JsonNode payload, String ttl, String urgency, int answered, Instant receivedAt) {
        long eventId() {
            return payload.get("eventId").asLong();
        }
    }

    private final HttpServer server;
    private final Map<String, BrowserSubscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Push> received = new LinkedBlockingQueue<>();
    private final List<String> problems = new ArrayList<>();
    private volatile ECPublicKey vapidKey;

    TestPushService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/push/", this::handle);
        server.start();
    }

    /** The origin, and with a path the prefix to allow: {@code http://127.0.0.1:port/push/}. */
    String origin() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    String prefix() {
        return origin() + "/push/";
    }

    /** The VAPID public key to verify with: the server's, from GET /api/push/key. */
    void trust(String publicKeyBase64url) throws Exception {
        vapidKey = BrowserSubscription.publicKey(Base64.getUrlDecoder().decode(publicKeyBase64url));
    }

    /** A new browser subscription at this service. */
    BrowserSubscription subscription(String name) {
        BrowserSubscription s = new BrowserSubscription(prefix() + name);
        subscriptions.put(s.endpoint, s);
        return s;
    }

    /** What this endpoint answers from now on (201 unless told; 503 with Retry-After: 20). */
    void answer(BrowserSubscription s, int status) {
        answers.put(s.endpoint, status);
    }

    /** The next push that arrives, within a generous bound (not a timing assertion: it fails only when none comes). */
    Push next() throws InterruptedException {
        Push p = received.poll(30, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no push arrived; problems: " + problems());
        }
        return p;
    }

    /** Pushes until one to {@code endpoint} arrives; returns all of them, that one last. */
    List<Push> until(BrowserSubscription s) throws InterruptedException {
        List<Push> seen = new ArrayList<>();
        Push p;
        do {
            p = next();
            seen.add(p);
        } while (!p.endpoint().equals(s.endpoint));
        return seen;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void handle(HttpExchange x) throws IOException {
        Instant arrived = Instant.now(); // the first byte, as WebhookReceiver: what the delay benchmark measures to
        String endpoint = origin() + x.getRequestURI().getPath();
        byte[] body = x.getRequestBody().readAllBytes();
        int status = answers.getOrDefault(endpoint, 201);
        try {
            check(x, endpoint);
            BrowserSubscription s = subscriptions.get(endpoint);
            if (s == null) {
                throw new IllegalStateException("unknown endpoint " + endpoint);
            }
            JsonNode payload = Api.parse(new String(s.decrypt(body), StandardCharsets.UTF_8));
            received.add(new Push(endpoint, payload, x.getRequestHeaders().getFirst("TTL"),
                    x.getRequestHeaders().getFirst("Urgency"), status, arrived));
        } catch (Exception e) {
            synchronized (this) {
                problems.add(endpoint + ": " + e);
            }
            status = 400;
        }
        if (status == 503) {
            x.getResponseHeaders().add("Retry-After", "20"); // longer than a stop waits for the push in progress
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    private void check(HttpExchange x, String endpoint) throws Exception {
        var h = x.getRequestHeaders();
        require("aes128gcm".equals(h.getFirst("Content-Encoding")), "Content-Encoding " + h.getFirst("Content-Encoding"));
        require(h.getFirst("TTL") != null && h.getFirst("TTL").matches("[0-9]+"), "TTL " + h.getFirst("TTL"));
        require(h.getFirst("Urgency") != null && h.getFirst("Urgency").matches("very-low|low|normal|high"), "Urgency");
        String auth = h.getFirst("Authorization");
        require(auth != null && auth.startsWith("vapid "), "Authorization " + auth);
        String t = null;
        String k = null;
        for (String part : auth.substring(6).split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("k")) {
                k = kv[1];
            }
        }
        require(t != null && k != null, "vapid t and k");
        String[] jwt = t.split("\\.");
        require(jwt.length == 3, "a JWS in compact form");
        ECPublicKey key = vapidKey;
        require(key != null, "the test trusts a key");
        require(Base64.getUrlEncoder().withoutPadding().encodeToString(BrowserSubscription.point(key)).equals(k), "k is the public key");
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initVerify(key);
        es256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        require(es256.verify(Base64.getUrlDecoder().decode(jwt[2])), "ES256 signature");
        JsonNode header = Api.parse(new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8));
        require("ES256".equals(header.path("alg").asText()), "alg ES256");
        JsonNode claims = Api.parse(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        JsonNode aud = claims.path("aud");
        String audience = aud.isArray() && aud.size() == 1 ? aud.get(0).asText() : aud.asText();
        require(origin().equals(audience), "aud " + aud + " is the push service's origin " + origin());
        long exp = claims.path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        require(exp > now && exp <= now + Duration.ofHours(24).toSeconds(), "exp within 24 h: " + exp);
        require(claims.path("sub").asText().matches("(mailto:|https://).+"), "sub " + claims.path("sub"));
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("bad " + what);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
