package farmdesk.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * HS256 JSON Web Tokens (nimbus-jose-jwt). Only HS256 with the shared secret is accepted;
 * {@code sub}, {@code role} and {@code exp} are required, {@code exp} is checked with 60 s leeway.
 */
public final class Tokens {

    /** Thrown for any token that must be answered with 401. */
    public static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message);
        }
    }

    private static final int LEEWAY_SECONDS = 60;

    private final byte[] secret;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public Tokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the token secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                null, new JWTClaimsSet.Builder().build(), Set.of("sub", "role", "exp"));
        claims.setMaxClockSkew(LEEWAY_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The configured secret, or (dev mode only) a random one that lives as long as the process. */
    public static Tokens create(String configuredSecret) {
        if (configuredSecret != null) {
            return new Tokens(configuredSecret.getBytes(StandardCharsets.UTF_8));
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new Tokens(Base64.getEncoder().encode(random));
    }

    public String mint(String id, Role role, String name, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(id)
                .claim("role", role.json())
                .claim("name", name)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    public Viewer verify(String token) throws InvalidToken {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidToken("invalid or expired token");
        }
        Role role = Role.parse(claims.getClaim("role"));
        if (role == null) {
            throw new InvalidToken("token role must be farmer or admin");
        }
        String id = claims.getSubject();
        if (id == null || id.isBlank() || id.length() > 64) {
            throw new InvalidToken("token subject is missing or too long");
        }
        if (!id.equals(id.strip()) || id.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)
                || hasUnpairedSurrogate(id)) {
            // the id is written into stream comments and logs: a line break there could forge an SSE event
            throw new InvalidToken("token subject must be one line of visible characters");
        }
        Object name = claims.getClaim("name");
        String display = name instanceof String s && !s.isBlank() ? truncate(s.strip(), 100) : id;
        return new Viewer(id, role, display, claims.getExpirationTime().toInstant());
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String s, int codePoints) {
        return s.codePointCount(0, s.length()) <= codePoints ? s : s.substring(0, s.offsetByCodePoints(0, codePoints));
    }
}
