package farmdesk.api;

import java.time.Duration;
import java.util.regex.Pattern;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.http.JsonBody;
import farmdesk.tickets.Text;

/**
 * {@code POST /api/dev/token}: tokens for anyone, for the demo and for tests. Only routed when dev
 * login is on; otherwise the path answers 404 like any unknown path.
 */
public final class DevLoginEndpoint {

    /** User ids: what the marketplace uses, e.g. {@code F-1001} or {@code A-7}. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
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
        if (!USER_ID.matcher(id).matches()) {
            throw Refused.invalid("id must be 1..64 letters, digits or . _ : - (e.g. F-1001)");
        }
        String name = body.string("name");
        name = name == null || name.isBlank() ? id : Text.required(name, "name", 100);
        TicketEndpoints.sendJson(res, Status.OK_200, new TokenAnswer(tokens.mint(id, role, name, LIFETIME)));
    }
}
