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
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
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
 *
 * <p>Two kinds, which never pass for each other. A <em>session token</em> (the marketplace's, or dev
 * login's) is for every call. A <em>stream token</em> ({@link #mintStream}) only opens streams and
 * polls of its viewer and downloads the attachments that viewer may see, for two minutes: it is what travels in {@code ?access_token=} (URLs end up in
 * proxies' logs), so a leaked one is worth little. It is typed ({@code typ: farmdesk-stream+jwt}, which
 * the session check refuses, RFC 8725 §3.11), has its own audience, and carries {@code streamUntil}
 * (which a session token must not have): the session's expiry, when a stream it opened ends.
 */
public final class Tokens {

    /** Thrown for any token that must be answered with 401. */
    public static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message);
        }
    }

    private static final int LEEWAY_SECONDS = 60;
    /** How long a stream token can open streams and polls. */
    public static final Duration STREAM_TOKEN_OPENS_FOR = Duration.ofMinutes(2);
    private static final JOSEObjectType STREAM_TYPE = new JOSEObjectType("farmdesk-stream+jwt");
    private static final String STREAM_AUDIENCE = "farmdesk-stream";
    private static final String STREAM_UNTIL = "streamUntil";

    private final byte[] secret;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final DefaultJWTProcessor<SecurityContext> streamProcessor;

    public Tokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the token secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        var key = new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret));
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(key);
        processor.setJWSTypeVerifier(DefaultJOSEObjectTypeVerifier.JWT); // "JWT" or none: not a stream token
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                null, new JWTClaimsSet.Builder().build(), Set.of("sub", "role", "exp"), Set.of(STREAM_UNTIL));
        claims.setMaxClockSkew(LEEWAY_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);

        streamProcessor = new DefaultJWTProcessor<>();
        streamProcessor.setJWSKeySelector(key);
        streamProcessor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(STREAM_TYPE));
        DefaultJWTClaimsVerifier<SecurityContext> streamClaims = new DefaultJWTClaimsVerifier<>(
                STREAM_AUDIENCE, new JWTClaimsSet.Builder().build(), Set.of("sub", "role", "exp", STREAM_UNTIL));
        streamClaims.setMaxClockSkew(0); // opening is refused from exp on: no leeway
        streamProcessor.setJWTClaimsSetVerifier(streamClaims);
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
        return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    }

    private String sign(JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /**
     * A stream token for a verified session: it opens streams and polls of the same viewer until
     * {@code issuedAt} plus two minutes (or the session's own expiry, if sooner), and a stream it opened
     * runs until the session's expiry.
     *
     * @param issuedAt now; an earlier instant only in tests (a token that has already stopped opening)
     */
    public String mintStream(Viewer session, Instant issuedAt) {
        Instant opensUntil = issuedAt.plus(STREAM_TOKEN_OPENS_FOR);
        if (session.expiresAt().isBefore(opensUntil)) {
            opensUntil = session.expiresAt();
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(session.id())
                .claim("role", session.role().json())
                .claim("name", session.name())
                .audience(STREAM_AUDIENCE)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(opensUntil))
                .claim(STREAM_UNTIL, session.expiresAt().getEpochSecond())
                .build();
        return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(STREAM_TYPE).build(), claims);
    }

    /** A session token: anything else (a stream token included) is refused. */
    public Viewer verify(String token) throws InvalidToken {
        VerifiedToken t = verifyAny(token);
        if (t.streamOnly()) {
            throw new InvalidToken("a stream token only opens streams, polls and attachment downloads; this call needs the session token");
        }
        return t.viewer();
    }

    /** A session token (exp with 60 s leeway) or a stream token (exp with none), told apart by their type. */
    public VerifiedToken verifyAny(String token) throws InvalidToken {
        JWTClaimsSet claims;
        boolean stream;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            stream = STREAM_TYPE.equals(jwt.getHeader().getType());
            claims = (stream ? streamProcessor : processor).process(jwt, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidToken("invalid or expired token");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        if (!stream) {
            return new VerifiedToken(viewerOf(claims, exp), false, exp, exp.plusSeconds(LEEWAY_SECONDS));
        }
        Long streamUntil;
        try {
            streamUntil = claims.getLongClaim(STREAM_UNTIL);
        } catch (ParseException e) {
            throw new InvalidToken("invalid stream token");
        }
        return new VerifiedToken(viewerOf(claims, Instant.ofEpochSecond(streamUntil)), true, exp, exp);
    }

    private static Viewer viewerOf(JWTClaimsSet claims, Instant expiresAt) throws InvalidToken {
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
        return new Viewer(id, role, display, expiresAt);
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
