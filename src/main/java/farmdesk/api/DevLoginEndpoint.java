package farmdesk.api;

import java.time.Duration;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.auth.UserId;
import farmdesk.http.JsonBody;
import farmdesk.tickets.Text;

/**
 * {@code POST /api/dev/token}: tokens for anyone, for the demo and for tests. Only routed when dev
 * login is on; otherwise the path answers 404 like any unknown path.
 */
public final class DevLoginEndpoint {

    private static final Duration LIFETIME = Duration.ofHours(12);

    private final Tokens tokens;

    public DevLoginEndpoint(Tokens tokens) {
        this.tokens = tokens;
    }

    /** The answer: {@code {"token": "..."}}. */
    record TokenAnswer(String token) {
    }


    public void token(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req);
        Role role = Role.parse(body.requiredString("role"));
        if (role == null) {
            throw Refused.invalid("role must be farmer or admin");
        }
        String id = body.requiredString("id").strip();
        if (!UserId.valid(id)) {
            throw Refused.invalid("id must be " + UserId.RULE);
        }
        String name = body.string("name");
        name = name == null || name.isBlank() ? id : Text.required(name, "name", 100);
        TicketEndpoints.sendJson(res, Status.OK_200, new TokenAnswer(tokens.mint(id, role, name, LIFETIME)));
    }
}
