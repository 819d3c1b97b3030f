package farmdesk.api;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import farmdesk.auth.Tokens;
import farmdesk.auth.Viewer;

/** Finds and verifies the caller's token: the Authorization header, or {@code ?access_token=} on streams. */
public final class Caller {

    /** Verified tokens, so a long-poll every few seconds does not redo the HMAC and JSON parse. */
    private static final int VERIFIED_REMEMBERED = 50_000;
    private static final long LEEWAY_SECONDS = 60;

    private final Tokens tokens;
    private final Map<String, Viewer> verified = new ConcurrentHashMap<>();

    public Caller(Tokens tokens) {
        this.tokens = tokens;
    }

    /** The caller of a REST call: only the Authorization header counts. */
    public Viewer require(ServerRequest req) {
        return verify(bearer(req));
    }

    /**
     * The caller of a stream or poll: the header, or {@code ?access_token=} because a browser's
     * EventSource cannot set headers.
     */
    public Viewer requireForStream(ServerRequest req) {
        Optional<String> token = bearer(req);
        if (token.isEmpty()) {
            token = req.query().first("access_token").asOptional().filter(s -> !s.isBlank());
        }
        Viewer viewer = verify(token);
        if (!Instant.now().isBefore(viewer.expiresAt())) {
            // no leeway here: a stream would end with token-expired at once, and an EventSource reconnects
            // with the same URL in a loop
            throw ApiError.unauthorized("the token has expired: a stream or poll needs a token that has not");
        }
        return viewer;
    }

    private Viewer verify(Optional<String> token) {
        if (token.isEmpty()) {
            throw ApiError.unauthorized("a token is required: Authorization: Bearer <token>");
        }
        Viewer known = verified.get(token.get());
        if (known != null && Instant.now().isBefore(known.expiresAt().plusSeconds(LEEWAY_SECONDS))) {
            return known;
        }
        try {
            Viewer viewer = tokens.verify(token.get());
            if (verified.size() >= VERIFIED_REMEMBERED) {
                verified.clear();
            }
            verified.put(token.get(), viewer);
            return viewer;
        } catch (Tokens.InvalidToken e) {
            verified.remove(token.get());
            throw ApiError.unauthorized(e.getMessage());
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
