package farmdesk.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * One line per routed request on logger {@code farmdesk.access}: method, path, query, status and
 * duration; an SSE stream's or held poll's line is written when it ends, however it ends, with the
 * events it wrote and how it ended ({@link AccessLine}). The value of every query parameter whose
 * name contains "token" ({@code access_token} on stream URLs) is replaced by {@code [redacted]}, so a
 * token never reaches a log.
 */
public final class AccessLog implements Filter {

    static final String LOGGER_NAME = "farmdesk.access";
    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);
    private static final int MAX_LOGGED_QUERY = 300;
    private static final Pattern PAIRS = Pattern.compile("[&;]");

    private final HttpMetrics metrics;

    public AccessLog(HttpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String path = req.path().rawPath();
        String group = HttpMetrics.group(path);
        if (!LOG.isLoggable(Level.INFO)) {
            res.whenSent(() -> metrics.answered(group, res.status().code(), System.nanoTime() - start));
            chain.proceed();
            return;
        }
        AccessLine line = new AccessLine(LOG, req.prologue().method().text(), path, redact(req.query().rawValue()), start);
        res.whenSent(() -> {
            int status = res.status().code();
            metrics.answered(group, status, System.nanoTime() - start);
            line.sent(status);
        });
        line.during(chain::proceed); // a stream takes it over (AccessLine.takeOver) and writes it when it ends
    }

    /** The raw query with the values of token parameters replaced; cut to a bounded length. */
    static String redact(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(rawQuery.length());
        for (String pair : PAIRS.split(rawQuery, -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (decoded(name).toLowerCase(Locale.ROOT).contains("token")) {
                out.append(safe(name)).append("=[redacted]");
            } else {
                out.append(safe(pair));
            }
        }
        return out.length() > MAX_LOGGED_QUERY ? out.substring(0, MAX_LOGGED_QUERY) + "..." : out.toString();
    }

    private static String decoded(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // undecodable: treat as a token name, so its value is never logged
            return "token";
        }
    }

    /** No control characters in a log line (a forged line break could fake an entry). */
    private static String safe(String s) {
        if (s.chars().noneMatch(Character::isISOControl)) {
            return s; // the usual case: nothing to escape
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append("%").append(String.format("%02X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
