package farmdesk.api;

import java.util.OptionalLong;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Json;
import farmdesk.Refused;
import farmdesk.auth.RateLimiter;
import farmdesk.auth.Viewer;
import farmdesk.http.Caller;
import farmdesk.http.JsonBody;
import farmdesk.tickets.Inputs;
import farmdesk.tickets.Ticket;
import farmdesk.tickets.TicketId;
import farmdesk.tickets.TicketPage;
import farmdesk.tickets.TicketService;

/** The handlers of tickets and messages (docs/api.md, "Tickets and messages"; paths in {@code farmdesk.Routes}). */
public final class TicketEndpoints {

    private final TicketService tickets;
    private final Caller caller;
    private final RateLimiter rateLimiter;

    public TicketEndpoints(TicketService tickets, Caller caller, RateLimiter rateLimiter) {
        this.tickets = tickets;
        this.caller = caller;
        this.rateLimiter = rateLimiter;
    }


    public void create(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        JsonBody body = JsonBody.read(req);
        var outcome = tickets.createTicket(viewer, new Inputs.NewTicket(
                body.requiredString("subject"), body.requiredString("text"), body.string("category"),
                body.string("priority"), body.string("clientId")));
        Ticket ticket = outcome.value();
        res.header(HeaderNames.LOCATION, "/api/tickets/" + ticket.id());
        sendJson(res, outcome.created() ? Status.CREATED_201 : Status.OK_200, ticket);
    }

    public void list(ServerRequest req, ServerResponse res) {
        Viewer viewer = caller.require(req);
        var query = req.query();
        int limit = 50;
        if (query.contains("limit")) {
            limit = parseInt(query.get("limit"), "limit");
        }
        TicketPage page = tickets.list(viewer, new Inputs.ListQuery(
                blankToNull(query.first("status").orElse(null)),
                blankToNull(query.first("assignee").orElse(null)),
                blankToNull(query.first("farmer").orElse(null)),
                blankToNull(query.first("q").orElse(null)),
                blankToNull(query.first("sort").orElse(null)),
                limit,
                blankToNull(query.first("cursor").orElse(null))));
        sendJson(res, Status.OK_200, page);
    }

    public void get(ServerRequest req, ServerResponse res) {
        Viewer viewer = caller.require(req);
        long num = ticketNum(req);
        Long before = null;
        if (req.query().contains("before")) {
            before = parseLong(req.query().get("before"), "before");
        }
        sendJson(res, Status.OK_200, tickets.get(viewer, num, before));
    }

    public void update(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        long num = ticketNum(req);
        JsonBody body = JsonBody.read(req);
        Ticket ticket = tickets.update(viewer, num, new Inputs.TicketPatch(
                body.string("status"), body.string("priority"), body.string("category"),
                body.has("assigneeId"), body.string("assigneeId")));
        sendJson(res, Status.OK_200, ticket);
    }

    public void post(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        long num = ticketNum(req);
        JsonBody body = JsonBody.read(req);
        var outcome = tickets.postMessage(viewer, num, new Inputs.NewMessage(
                body.string("text"), body.string("clientId"), body.bool("internal", false), body.strings("attachments")));
        sendJson(res, outcome.created() ? Status.CREATED_201 : Status.OK_200, outcome.value());
    }

    public void read(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        long num = ticketNum(req);
        JsonBody body = JsonBody.read(req);
        tickets.markRead(viewer, num, body.requiredId("messageId"));
        res.status(Status.NO_CONTENT_204).send();
    }

    public void typing(ServerRequest req, ServerResponse res) {
        Viewer viewer = poster(req);
        long num = ticketNum(req);
        // optional body {"internal": true}: an admin typing an internal note, shown to admins only
        tickets.typing(viewer, num, JsonBody.readOptional(req).bool("internal", false));
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The caller of a call that changes something: authenticated, then rate limited. */
    private Viewer poster(ServerRequest req) {
        Viewer viewer = caller.require(req);
        long wait = rateLimiter.acquire(viewer.id());
        if (wait > 0) {
            throw Refused.tooMany("too many requests; retry in " + wait + " s", wait);
        }
        return viewer;
    }

    static long ticketNum(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        OptionalLong num = TicketId.parse(id);
        if (num.isEmpty()) {
            throw Refused.notFound("no ticket " + id);
        }
        return num.getAsLong();
    }

    static void sendJson(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.writeBytes(body));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw Refused.invalid(name + " must be a whole number");
        }
    }

    private static long parseLong(String value, String name) {
        try {
            long v = Long.parseLong(value.strip());
            if (v < 1) {
                throw Refused.invalid(name + " must be a positive whole number");
            }
            return v;
        } catch (NumberFormatException e) {
            throw Refused.invalid(name + " must be a positive whole number");
        }
    }
}
