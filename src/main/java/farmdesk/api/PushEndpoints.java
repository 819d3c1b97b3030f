package farmdesk.api;

import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.RateLimiter;
import farmdesk.auth.Viewer;
import farmdesk.http.Caller;
import farmdesk.http.JsonBody;
import farmdesk.push.WebPush;

/** The handlers of Web Push (docs/api.md "Web Push"; paths in {@code farmdesk.Routes}). */
public final class PushEndpoints {

    private final WebPush push;
    private final Caller caller;
    private final RateLimiter rateLimiter;

    public PushEndpoints(WebPush push, Caller caller, RateLimiter rateLimiter) {
        this.push = push;
        this.caller = caller;
        this.rateLimiter = rateLimiter;
    }

    /** {@code GET /api/push/key}: the VAPID public key, for {@code PushManager.subscribe}. */
    public void key(ServerRequest req, ServerResponse res) {
        caller.require(req);
        TicketEndpoints.sendJson(res, Status.OK_200, Map.of("publicKey", push.publicKey()));
    }

    /** {@code POST /api/push/subscriptions}: the browser's PushSubscription JSON. */
    public void subscribe(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        JsonBody body = JsonBody.read(req);
        JsonBody keys = body.object("keys");
        boolean created = push.subscribe(viewer, body.requiredString("endpoint"),
                keys.requiredString("p256dh"), keys.requiredString("auth"));
        res.status(created ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }

    /** {@code DELETE /api/push/subscriptions}: by {@code endpoint}, in the body or the query. */
    public void unsubscribe(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        String endpoint = req.query().first("endpoint").asOptional()
                .orElseGet(() -> JsonBody.read(req).requiredString("endpoint"));
        if (!push.unsubscribe(viewer, endpoint)) {
            throw Refused.notFound("no subscription of yours with this endpoint");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private Viewer poster(ServerRequest req) {
        Viewer viewer = caller.require(req);
        long wait = rateLimiter.acquire(viewer.id());
        if (wait > 0) {
            throw Refused.tooMany("too many requests; retry in " + wait + " s", wait);
        }
        return viewer;
    }
}
