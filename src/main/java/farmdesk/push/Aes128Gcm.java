package farmdesk.push;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push, RFC 8291 with the {@code aes128gcm} content coding of RFC 8188, in one
 * record. JDK crypto only (ECDH P-256, HMAC-SHA-256 for HKDF, AES-128-GCM): the steps are those of RFC 8291
 * section 3.4, named as there.
 *
 * <p>Why not com.interaso:webpush: it brings kotlin-stdlib and its own send path; the send path here must
 * never follow a redirect, retry on its own terms and delete gone subscriptions, and the crypto is these
 * few lines. The VAPID JWT is signed by nimbus-jose-jwt, already used for tokens ({@link Vapid}).
 */
final class Aes128Gcm {

    /** The record size written in the header: one record holds up to rs - 17 bytes of payload. */
    static final int RECORD_SIZE = 4096;
    /** The payload a push may carry: one record, less the padding delimiter and the GCM tag. */
    static final int MAX_PLAINTEXT = RECORD_SIZE - 17;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Aes128Gcm() {
    }

    /**
     * The request body for a push to the user agent with public key {@code uaPublic} (the subscription's
     * {@code p256dh}) and {@code authSecret} (its {@code auth}): header (salt, rs, the sender's ephemeral
     * public key) and the one encrypted record.
     */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a push payload is at most " + MAX_PLAINTEXT + " bytes");
        }
        try {
            ECPublicKey ua = P256.publicKey(uaPublic);
            KeyPair as = P256.generate(); // a new key pair for every message (RFC 8291 section 2)
            byte[] asPublic = P256.encode((ECPublicKey) as.getPublic());
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(as.getPrivate());
            ka.doPhase(ua, true);
            byte[] ecdhSecret = ka.generateSecret();

            // PRK_key = HMAC(auth_secret, ecdh_secret); IKM = HKDF-Expand(PRK_key, "WebPush: info" 0 ua as, 32)
            byte[] prkKey = hmac(authSecret, ecdhSecret);
            byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic, new byte[] {1});
            byte[] ikm = hmac(prkKey, keyInfo);

            // RFC 8188: PRK = HMAC(salt, IKM); CEK and NONCE expanded from it
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            byte[] prk = hmac(salt, ikm);
            byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
            byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);

            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            byte[] record = gcm.doFinal(concat(plaintext, new byte[] {2})); // 0x02: the last (only) record

            ByteBuffer header = ByteBuffer.allocate(16 + 4 + 1 + asPublic.length);
            header.put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic);
            return concat(header.array(), record);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("push encryption failed", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
