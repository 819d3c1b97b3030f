package farmdesk.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers that tell a browser how little any answer may do, on every answer (pages, API, errors):
 * <ul>
 * <li>{@code X-Content-Type-Options: nosniff}: JSON and problem bodies carry user text (HTML too); never
 * let a browser sniff them as a page.</li>
 * <li>{@code Content-Security-Policy}: the pages load their scripts and styles from files of this origin
 * only (no inline script, no eval), talk only to this origin, and another site cannot frame them
 * (clickjacking a "Send" or "Close ticket"). An API answer gets the same policy: opened as a document it
 * has nothing to run either.</li>
 * <li>{@code X-Frame-Options: DENY}: the same refusal to be framed, for browsers without
 * {@code frame-ancestors}.</li>
 * </ul>
 */
public final class SecurityHeaders implements Filter {

    /** What the pages need and nothing more: web/*.html, their module scripts (web/*.js, web/live/*.js) and .css. */
    public static final String POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data: blob:", // blob: photos fetched with the session token in a header (web/attach.js)
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'");

    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(CONTENT_SECURITY_POLICY, POLICY);
        res.header(FRAME_OPTIONS, "DENY");
        chain.proceed();
    }
}
