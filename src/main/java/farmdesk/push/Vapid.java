package farmdesk.push;

import java.net.URI;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The {@code Authorization: vapid t=..., k=...} header of RFC 8292: an ES256 JWT for the push service's
 * origin ({@code aud}), valid for 12 hours ({@code exp}, at most 24 h by the RFC), with the operator's
 * contact ({@code sub}), and the public key it verifies with.
 */
final class Vapid {

    /** Half the RFC's 24 h limit: a push service whose clock runs ahead still accepts it. */
    static final Duration VALID_FOR = Duration.ofHours(12);

    private final VapidKeys keys;
    private final String subject;
    private final ECDSASigner signer;

    Vapid(VapidKeys keys, String subject) {
        this.keys = keys;
        this.subject = subject;
        try {
            this.signer = new ECDSASigner(keys.privateKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the VAPID key", e);
        }
    }

    String publicKey() {
        return keys.publicKey();
    }

    /** The header's value for a push to {@code endpoint}. */
    String authorization(URI endpoint, Instant now) {
        String origin = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(origin)
                .expirationTime(Date.from(now.plus(VALID_FOR)))
                .subject(subject)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("VAPID signing failed", e);
        }
        return "vapid t=" + jwt.serialize() + ", k=" + keys.publicKey();
    }

    /** Whether the two keys are one pair: a signature by one verifies with the other. */
    static boolean pairs(ECPublicKey pub, ECPrivateKey priv) {
        try {
            SignedJWT probe = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), new JWTClaimsSet.Builder().subject("probe").build());
            probe.sign(new ECDSASigner(priv));
            return probe.verify(new ECDSAVerifier(pub));
        } catch (JOSEException e) {
            return false;
        }
    }
}
