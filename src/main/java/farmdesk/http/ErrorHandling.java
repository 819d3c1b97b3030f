package farmdesk.http;

import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Json;
import farmdesk.Refused;
import farmdesk.events.EventLog;
import farmdesk.storage.DatabaseFaultLog;

/**
 * Turns every failure into problem+json: refusals into their 4xx, a database that is away into 503,
 * anything unexpected into a 500 without internals (the stack trace goes to the log only).
 */
public final class ErrorHandling {

    /**
     * Where the server stops reading and closes the connection. Bodies above the API's own 64 KiB limit
     * but below this are refused by the routes with 413 and read to the end, so the client receives
     * the 413 (closing on unread data resets the connection, and the client often loses the answer).
     * An upload's PATCH may carry this much.
     */
    public static final int HARD_BODY_LIMIT_BYTES = 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(Refused.class, (req, res, e) -> Problem.send(res, status(e.why()), e.getMessage(), headers(e)))
                .error(HttpException.class, (req, res, e) -> {
                    if (e.status().code() < 400) {
                        // not an error: e.g. 304 Not Modified from the static pages, which has no body
                        res.status(e.status()).send();
                    } else {
                        Problem.send(res, e.status().code(), e.getMessage());
                    }
                })
                .error(RuntimeException.class, (req, res, e) -> {
                    if (isDatabaseAway(e)) {
                        LOG.log(Level.WARNING, "database unavailable: " + DatabaseFaultLog.firstLine(e));
                        Problem.send(res, 503, "the database is unavailable; retry shortly", Map.of("Retry-After", "2"));
                    } else {
                        LOG.log(Level.SEVERE, "unexpected failure on " + req.prologue().method() + " "
                                + req.path().path(), e);
                        Problem.send(res, 500, "internal error");
                    }
                });
    }

    /**
     * Errors Helidon answers before routing (a malformed URL, a body above the server's limit) get
     * problem+json too.
     */
    public static DirectHandlers directHandlers() {
        return DirectHandlers.builder()
                .addHandler(DirectHandler.EventType.BAD_REQUEST, ErrorHandling::direct)
                .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, ErrorHandling::direct)
                .build();
    }

    private static DirectHandler.TransportResponse direct(DirectHandler.TransportRequest req,
                                                          DirectHandler.EventType type,
                                                          Status status,
                                                          ServerResponseHeaders headers,
                                                          String message) {
        // an upload's PATCH may carry up to the server's hard limit (the JSON bodies' limit is lower)
        boolean upload = req.path() != null && req.path().startsWith("/api/uploads");
        String detail = status.code() != 413
                ? "malformed request" + (message == null || message.isBlank() ? "" : ": " + message)
                : upload ? "a PATCH of an upload carries at most " + HARD_BODY_LIMIT_BYTES
                        + " bytes: send the file in several PATCHes"
                : "the request body must be at most " + JsonBody.MAX_BYTES + " bytes";
        if (upload) {
            headers.set(HeaderNames.create("Tus-Resumable"), "1.0.0"); // tus: on every answer
        }
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .entity(Json.writeBytes(new Problem("about:blank", status.reasonPhrase(), status.code(), detail)))
                .keepAlive(false)
                .build();
    }

    private static int status(Refused.Why why) {
        return switch (why) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PRECONDITION_FAILED -> 412;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_TYPE -> 415;
            case RANGE_NOT_SATISFIABLE -> 416;
            case UNPROCESSABLE -> 422;
            case TOO_MANY -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * Answers a refusal here and now, with headers of the caller's besides (tus answers carry
     * Tus-Resumable, even refusals): for handlers that must add headers to their refusals.
     */
    public static void send(ServerResponse res, Refused e, Map<String, String> extra) {
        Map<String, String> headers = headers(e);
        headers.putAll(extra);
        Problem.send(res, status(e.why()), e.getMessage(), headers);
    }

    /** The headers a refusal's answer carries besides the problem's own. */
    private static Map<String, String> headers(Refused e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.why() == Refused.Why.UNAUTHENTICATED) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        e.retryAfterSeconds().ifPresent(s -> headers.put("Retry-After", Long.toString(s)));
        if (e.endsConnection()) {
            headers.put("Connection", "close");
        }
        return headers;
    }

    /** A connection that could not be had or was lost, anywhere in the cause chain. */
    public static boolean isDatabaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EventLog.Unavailable) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57: operator intervention (server shutting down)
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }
}
