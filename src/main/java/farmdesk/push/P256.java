package farmdesk.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.KeyAgreement;

/**
 * P-256 keys in the forms Web Push uses: a public key as the uncompressed point (0x04 || X || Y, 65 bytes),
 * a private key as its 32-byte scalar, both base64url without padding in JSON and settings. JDK crypto only.
 */
final class P256 {

    static final int POINT_BYTES = 65;
    static final ECParameterSpec PARAMS = params();

    private P256() {
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 in this JDK", e);
        }
    }

    static byte[] encode(ECPublicKey key) {
        byte[] out = new byte[POINT_BYTES];
        out[0] = 4;
        unsigned32(key.getW().getAffineX(), out, 1);
        unsigned32(key.getW().getAffineY(), out, 33);
        return out;
    }

    static byte[] encode(ECPrivateKey key) {
        byte[] out = new byte[32];
        unsigned32(key.getS(), out, 0);
        return out;
    }

    /**
     * The public key of an uncompressed point; IllegalArgumentException when it is not one, or not on the
     * curve (checked by a key agreement with it: the JDK refuses a point off the curve there, which is what
     * an invalid-curve attack would need).
     */
    static ECPublicKey publicKey(byte[] point) {
        if (point.length != POINT_BYTES || point[0] != 4) {
            throw new IllegalArgumentException("not an uncompressed P-256 point (65 bytes starting with 0x04)");
        }
        try {
            ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
                    new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(generate().getPrivate());
            ka.doPhase(key, true);
            ka.generateSecret();
            return key;
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new IllegalArgumentException("not a point on P-256");
        }
    }

    static ECPrivateKey privateKey(byte[] scalar) {
        if (scalar.length != 32) {
            throw new IllegalArgumentException("a P-256 private key is 32 bytes");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 private key");
        }
    }

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Strict base64url (padding tolerated, as some browsers' toJSON once sent it); IllegalArgumentException otherwise. */
    static byte[] fromBase64url(String text) {
        if (text == null || !text.matches("[A-Za-z0-9_-]+={0,2}")) {
            throw new IllegalArgumentException("not base64url");
        }
        return Base64.getUrlDecoder().decode(text.replace("=", ""));
    }

    private static void unsigned32(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray(); // big-endian, maybe with a sign byte or shorter than 32
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 in this JDK", e);
        }
    }
}
