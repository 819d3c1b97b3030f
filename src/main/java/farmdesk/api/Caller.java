package farmdesk.api;

import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import farmdesk.auth.Tokens;
import farmdesk.auth.Viewer;

/** Finds and verifies the caller's token: the Authorization header, or {@code ?access_token=} on streams. */
public final class Caller {

    private final Tokens tokens;

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
        return verify(token);
    }

    private Viewer verify(Optional<String> token) {
        if (token.isEmpty()) {
            throw ApiError.unauthorized("a token is required: Authorization: Bearer <token>");
        }
        try {
            return tokens.verify(token.get());
        } catch (Tokens.InvalidToken e) {
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
