package farmdesk.api;

import java.time.Duration;
import java.time.Instant;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.auth.Tokens;
import farmdesk.auth.Viewer;
import farmdesk.http.Caller;

/**
 * {@code POST /api/stream-token}: for the caller's session token, a stream token to put in stream and
 * poll URLs instead ({@code ?access_token=}: URLs end up in proxies' logs). It opens streams and polls
 * of the same viewer, and downloads of the attachments they may see ({@code <img src>}), for two minutes,
 * and nothing else; see {@link Tokens}.
 */
public final class StreamTokenEndpoint {

    private final Tokens tokens;
    private final Caller caller;

    public StreamTokenEndpoint(Tokens tokens, Caller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    /** The answer: the token, and for how many seconds it opens streams. */
    record StreamTokenAnswer(String token, long expiresIn) {
    }


    public void mint(ServerRequest req, ServerResponse res) {
        Viewer session = caller.require(req); // a session token: a stream token cannot renew itself
        Instant now = Instant.now();
        long opensFor = Math.min(Tokens.STREAM_TOKEN_OPENS_FOR.toSeconds(),
                Math.max(0, Duration.between(now, session.expiresAt()).toSeconds()));
        TicketEndpoints.sendJson(res, Status.OK_200, new StreamTokenAnswer(tokens.mintStream(session, now), opensFor));
    }
}
