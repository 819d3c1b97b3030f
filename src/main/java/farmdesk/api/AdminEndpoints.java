package farmdesk.api;

import java.util.List;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.admins.Admin;
import farmdesk.admins.KnownAdmins;
import farmdesk.auth.Viewer;
import farmdesk.http.Caller;

/** {@code GET /api/admins}: the admins known to the service, for choosing an assignee (docs/api.md, "Admins"). */
public final class AdminEndpoints {

    private final KnownAdmins admins;
    private final Caller caller;

    public AdminEndpoints(KnownAdmins admins, Caller caller) {
        this.admins = admins;
        this.caller = caller;
    }

    /** The answer: every known admin, by name. */
    record AdminList(List<Admin> admins) {
    }

    public void list(ServerRequest req, ServerResponse res) {
        Viewer viewer = caller.require(req); // records the caller first: an admin lists themselves too
        if (!viewer.isAdmin()) {
            throw Refused.forbidden("only admins list the admins");
        }
        TicketEndpoints.sendJson(res, Status.OK_200, new AdminList(admins.list()));
    }
}
