package farmdesk.api;

import java.util.List;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.Viewer;
import farmdesk.hooks.WebhookEndpoint;
import farmdesk.hooks.WebhookStatus;
import farmdesk.hooks.Webhooks;
import farmdesk.http.Caller;

/**
 * {@code GET /api/admin/webhooks} and {@code POST /api/admin/webhooks/{n}/resume} (docs/api.md, "Webhooks"):
 * each endpoint's delivery state, the same from every instance (it is read from the database).
 */
public final class WebhookAdminEndpoints {

    private final Webhooks webhooks;
    private final Caller caller;

    public WebhookAdminEndpoints(Webhooks webhooks, Caller caller) {
        this.webhooks = webhooks;
        this.caller = caller;
    }

    record WebhookList(List<WebhookStatus> webhooks) {
    }

    public void list(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        TicketEndpoints.sendJson(res, Status.OK_200, new WebhookList(webhooks.status()));
    }

    public void resume(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        String n = req.path().pathParameters().get("n");
        if (!n.matches("[1-9][0-9]{0,3}")) {
            throw Refused.invalid("the endpoint number must be 1, 2, ... (its place in FARMDESK_WEBHOOK_URL), got '" + n + "'");
        }
        WebhookEndpoint endpoint = webhooks.endpoint(Integer.parseInt(n))
                .orElseThrow(() -> Refused.notFound("no webhook endpoint " + n));
        TicketEndpoints.sendJson(res, Status.OK_200, webhooks.resume(endpoint));
    }

    private void requireAdmin(ServerRequest req) {
        Viewer viewer = caller.require(req);
        if (!viewer.isAdmin()) {
            throw Refused.forbidden("only admins see and resume webhooks");
        }
    }
}
