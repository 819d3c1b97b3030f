package farmdesk.http;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import farmdesk.Refused;
import farmdesk.auth.Tokens;
import farmdesk.auth.VerifiedToken;
import farmdesk.auth.Viewer;

/**
 * Finds and verifies the caller's token: the Authorization header, or {@code ?access_token=} on streams
 * and attachment downloads. A stream token (see {@link Tokens}) is accepted on those only.
 */
public final class Caller {

    /** Verified tokens, so a long-poll every few seconds does not redo the HMAC and JSON parse. */
    private static final int VERIFIED_REMEMBERED = 50_000;

    private final Tokens tokens;
    private final Consumer<Viewer> signedIn;
    private final Map<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    public Caller(Tokens tokens) {
        this(tokens, viewer -> { });
    }

    /** @param signedIn told of every caller whose token passed (admins.KnownAdmins records the admins) */
    public Caller(Tokens tokens, Consumer<Viewer> signedIn) {
        this.tokens = tokens;
        this.signedIn = signedIn;
    }

    /** The caller of a REST call: only the Authorization header counts, and only a session token. */
    public Viewer require(ServerRequest req) {
        VerifiedToken token = verify(bearer(req));
        if (token.streamOnly()) {
            throw Refused.unauthenticated(
                    "a stream token only opens streams and polls; this call needs the session token");
        }
        return token.viewer();
    }

    /**
     * The caller of a stream or poll: the header, or {@code ?access_token=} because a browser's
     * EventSource cannot set headers. A session or a stream token, before its exp (no leeway here: a
     * stream would end with token-expired at once, and an EventSource reconnects with the same URL in a loop).
     */
    public Viewer requireForStream(ServerRequest req) {
        Optional<String> found = bearer(req);
        if (found.isEmpty()) {
            found = req.query().first("access_token").asOptional().filter(s -> !s.isBlank());
        }
        VerifiedToken token = verify(found);
        if (!Instant.now().isBefore(token.exp())) {
            throw Refused.unauthenticated("the token has expired: a stream or poll needs a token that has not");
        }
        return token.viewer();
    }

    /**
     * The caller of an attachment download: as {@link #requireForStream}, since an {@code <img src>} cannot
     * set headers either. A stream token opens downloads of what its viewer may see, as it opens their
     * streams: nothing more than the session could read.
     */
    public Viewer requireForDownload(ServerRequest req) {
        return requireForStream(req);
    }

    private VerifiedToken verify(Optional<String> token) {
        if (token.isEmpty()) {
            throw Refused.unauthenticated("a token is required: Authorization: Bearer <token>");
        }
        VerifiedToken known = verified.get(token.get());
        if (known != null && Instant.now().isBefore(known.acceptedUntil())) {
            signedIn.accept(known.viewer());
            return known;
        }
        try {
            VerifiedToken checked = tokens.verifyAny(token.get());
            if (verified.size() >= VERIFIED_REMEMBERED) {
                verified.clear();
            }
            verified.put(token.get(), checked);
            signedIn.accept(checked.viewer());
            return checked;
        } catch (Tokens.InvalidToken e) {
            verified.remove(token.get());
            throw Refused.unauthenticated(e.getMessage());
        }
    }

    private static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .map(String::strip)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .filter(t -> !t.isEmpty());
    }
}
