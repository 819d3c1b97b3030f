package farmdesk.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import farmdesk.Json;

/**
 * Live-only events (typing) as PostgreSQL notifications between instances, signed so that no one
 * else can make one. PostgreSQL lets every role that can connect NOTIFY on any channel (no grant
 * governs it), so a notification proves nothing about its sender; an HMAC-SHA256 with a key only the
 * instances hold does. The key is derived from FARMDESK_AUTH_SECRET, which every instance of a
 * cluster shares anyway (their tokens must be valid everywhere), so there is no second secret to
 * distribute; it is derived (not the secret itself) so that a signature, which any role may LISTEN
 * to, is never a MAC made with the token key.
 *
 * <p>Form: {@code l:<signature>.<json>}, the signature being base64url(HMAC-SHA256(key, json)). A signed
 * notice is still checked strictly before it becomes an event: a known live type, JSON data, no line
 * break in anything that reaches an SSE frame, a bounded size, and a timestamp within a minute, so a
 * captured notice (anyone may LISTEN) replays for a minute at most, as a typing indicator.
 */
final class LiveNotices {

    static final String PREFIX = "l:";
    /** PostgreSQL's limit on a NOTIFY payload is 8000 bytes. */
    static final int MAX_BYTES = 7900;
    /** The event types that travel live; stored events travel as ids only. */
    private static final Set<String> LIVE_TYPES = Set.of(Event.TYPING);
    private static final long MAX_AGE_MILLIS = 60_000;
    private static final int MAX_ID_LENGTH = 128;
    private static final int SIGNATURE_LENGTH = 43; // 32 bytes in unpadded base64url
    private static final String KEY_LABEL = "farmdesk relay notices v1";
    private static final Set<String> FIELDS = Set.of("from", "at", "type", "ticket", "farmerId", "origin", "adminOnly", "data");

    /** A notification that must not become an event; the message says why (never its content). */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private final SecretKeySpec key;
    private final String instance;
    private final LongSupplier clock;

    LiveNotices(byte[] key, String instance, LongSupplier clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.instance = instance;
        this.clock = clock;
    }

    /**
     * The relay key for an auth secret: HMAC-SHA256(secret, label). Without a configured secret (dev
     * mode) a random key: this instance's notices are then accepted by no other instance, exactly as
     * its tokens are not.
     */
    static byte[] keyFor(String authSecret) {
        if (authSecret == null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        }
        return hmac(new SecretKeySpec(authSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                KEY_LABEL.getBytes(StandardCharsets.UTF_8));
    }

    /** The signed notification for a live event, or null when it is too large for a NOTIFY. */
    String encode(Event event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", instance);
        m.put("at", clock.getAsLong());
        m.put("type", event.type());
        m.put("ticket", event.ticket());
        m.put("farmerId", event.farmerId());
        m.put("origin", event.originUserId());
        m.put("adminOnly", event.adminOnly());
        m.put("data", event.data());
        String json = Json.write(m);
        String payload = PREFIX + sign(json) + "." + json;
        return payload.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES ? null : payload;
    }

    /**
     * The live event a notification carries; null for this instance's own notices (its streams had
     * the event directly).
     */
    Event decode(String payload) throws Rejected {
        if (!payload.startsWith(PREFIX)) {
            throw new Rejected("not a live notice");
        }
        if (payload.length() > MAX_BYTES) {
            throw new Rejected("too large");
        }
        int dot = payload.indexOf('.', PREFIX.length());
        if (dot != PREFIX.length() + SIGNATURE_LENGTH) {
            throw new Rejected("unsigned");
        }
        String json = payload.substring(dot + 1);
        byte[] expected = sign(json).getBytes(StandardCharsets.US_ASCII);
        byte[] given = payload.substring(PREFIX.length(), dot).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Rejected("bad signature (not sent by an instance sharing this FARMDESK_AUTH_SECRET)");
        }
        JsonNode m = parse(json);
        if (!m.isObject()) {
            throw new Rejected("not a JSON object");
        }
        for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
            if (!FIELDS.contains(names.next())) {
                throw new Rejected("unexpected fields");
            }
        }
        String from = text(m, "from", false);
        if (from.equals(instance)) {
            return null;
        }
        if (!m.path("at").canConvertToLong() || Math.abs(clock.getAsLong() - m.path("at").asLong()) > MAX_AGE_MILLIS) {
            throw new Rejected("stale or undated");
        }
        String type = text(m, "type", false);
        if (!LIVE_TYPES.contains(type)) {
            throw new Rejected("not a live event type");
        }
        JsonNode ticket = m.path("ticket");
        if (!ticket.isIntegralNumber() || !ticket.canConvertToLong() || ticket.asLong() <= 0) {
            throw new Rejected("bad ticket");
        }
        if (!m.path("adminOnly").isBoolean()) {
            throw new Rejected("bad adminOnly");
        }
        String data = text(m, "data", false);
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0 || !parse(data).isObject()) {
            throw new Rejected("data is not one line of JSON");
        }
        return Event.live(type, ticket.asLong(), text(m, "farmerId", false), text(m, "origin", true),
                m.path("adminOnly").asBoolean(), data);
    }

    private String sign(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static JsonNode parse(String json) throws Rejected {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException e) {
            throw new Rejected("not JSON");
        }
    }

    /** A short one-line string field (ids, the type); data is checked by its caller. */
    private static String text(JsonNode m, String field, boolean nullable) throws Rejected {
        JsonNode v = m.path(field);
        if (nullable && (v.isNull() || v.isMissingNode())) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new Rejected("bad " + field);
        }
        String s = v.asText();
        if (!"data".equals(field) && (s.length() > MAX_ID_LENGTH || s.chars().anyMatch(Character::isISOControl))) {
            throw new Rejected("bad " + field);
        }
        return s;
    }
}
