package farmdesk.http;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Cross-origin access for the configured origins only ({@code FARMDESK_CORS_ORIGINS}). A request from
 * a listed origin gets {@code Access-Control-Allow-Origin} with that origin; any other origin gets no
 * CORS header (so a browser does not let its page read the answer), and its preflight is refused with
 * 403. No credentials mode: tokens travel in {@code Authorization}, never in cookies. With no origins
 * configured the filter does nothing.
 */
public final class Cors implements Filter {

    // HEAD, DELETE and the Tus-*/Upload-* headers: a tus client on another origin resumes and terminates
    // uploads, and must read the offset and the protocol's answers (docs/api.md "Uploads")
    static final String ALLOWED_METHODS = "GET, POST, PATCH, HEAD, DELETE";
    // Range and the validators, Content-Range and Content-Disposition: a page on another origin downloads an
    // attachment in parts, and reads which part it got and the file's name (docs/api.md "Attachments")
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, Tus-Resumable, Upload-Length,"
            + " Upload-Offset, Upload-Metadata, Range, If-Range, If-None-Match";
    static final String EXPOSED_HEADERS = "Location, Retry-After, Tus-Resumable, Tus-Version, Tus-Extension,"
            + " Tus-Max-Size, Upload-Offset, Upload-Length, Upload-Expires, Content-Range, Content-Disposition,"
            + " Accept-Ranges, ETag";

    private final Set<String> origins;

    public Cors(List<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origins.isEmpty() || origin.isEmpty()) {
            chain.proceed();
            return;
        }
        boolean allowed = origins.contains(origin.get());
        boolean preflight = req.prologue().method().equals(Method.OPTIONS)
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        res.header(HeaderNames.VARY, "Origin");
        if (preflight) {
            if (!allowed) {
                Problem.send(res, 403, "origin " + origin.get() + " is not allowed");
                return;
            }
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
        chain.proceed();
    }
}
