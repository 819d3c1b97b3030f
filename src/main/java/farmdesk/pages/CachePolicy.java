package farmdesk.pages;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * {@code Cache-Control} of the pages and their files (API answers set their own):
 * <ul>
 * <li>{@code /v/<current version>/...}: {@code public, max-age=31536000, immutable}: a repeat visit loads
 * scripts and styles from the browser's cache without a request; a deploy changes the path.</li>
 * <li>the pages, the files at their plain paths, an older version's paths: {@code no-cache}: revalidated
 * (ETag, Last-Modified) at every load, so a deploy is seen at the next one, never an old script with a new
 * page.</li>
 * <li>{@code /favicon.ico}: a day; browsers ask for it by this name only, and it hardly changes.</li>
 * </ul>
 * Set just before the answer leaves, and only on a 200 or 304 that has none: a 404 is never kept.
 */
public final class CachePolicy implements Filter {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";
    static final String A_DAY = "public, max-age=86400";

    private final WebVersion version;

    public CachePolicy(WebVersion version) {
        this.version = version;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String value = policy(req.path().path());
        if (value != null) {
            res.beforeSend(() -> {
                int status = res.status().code();
                if ((status == 200 || status == 304) && !res.headers().contains(HeaderNames.CACHE_CONTROL)) {
                    res.header(HeaderNames.CACHE_CONTROL, value);
                }
            });
        }
        chain.proceed();
    }

    private String policy(String path) {
        if (path.startsWith("/api/") || path.startsWith("/observe/")) {
            return null;
        }
        if (path.startsWith(version.prefix())) {
            return IMMUTABLE;
        }
        return path.equals("/favicon.ico") ? A_DAY : REVALIDATE;
    }
}
