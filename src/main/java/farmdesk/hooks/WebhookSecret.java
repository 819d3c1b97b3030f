package farmdesk.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * FARMDESK_WEBHOOK_SECRET, {@code whsec_<base64>} as Standard Webhooks gives it, and the signature made
 * with it: {@code v1,<base64 of HMAC-SHA256 over "id.timestamp.body">}, keyed by the decoded bytes.
 */
public final class WebhookSecret {

    static final String PREFIX = "whsec_";
    /** Standard Webhooks asks for 24 to 64 bytes; fewer than 24 is refused. */
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /** Parses the setting; a clear IllegalArgumentException (the start fails) when it is not usable. */
    public static WebhookSecret parse(String value) {
        String v = value == null ? "" : value.strip();
        if (!v.startsWith(PREFIX)) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_SECRET must be whsec_ followed by base64 ("
                    + MIN_BYTES + " to " + MAX_BYTES + " random bytes), e.g. whsec_$(openssl rand -base64 32)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(v.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_SECRET: what follows whsec_ is not base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_SECRET must hold " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes once decoded, got " + key.length);
        }
        return new WebhookSecret(key);
    }

    /** The {@code webhook-signature} header value for this message. */
    public String sign(String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "whsec_(hidden)";
    }
}
