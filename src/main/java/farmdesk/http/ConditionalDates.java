package farmdesk.http;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Ignores an {@code If-Modified-Since} or {@code If-Unmodified-Since} that is not an HTTP-date, as RFC 9110
 * (13.1.3, 13.1.4) requires. Helidon's static content parses them without catching the error, so
 * {@code If-Modified-Since: garbage} on a page answered 500. A filter cannot remove a request header, but
 * it may replace one: an unparsable value becomes a date with the effect of no header at all (every
 * file is newer than 1900, none is newer than 9999).
 *
 * <p>It also puts {@code Date} and the {@code Last-Modified} of static content in the form RFC 9110 asks
 * (IMF-fixdate, {@link HttpDates}): Helidon 4.5 writes them with a one-digit day (and Last-Modified in the
 * server's zone).
 */
public final class ConditionalDates implements Filter {

    private static final Header MODIFIED_SINCE_ALWAYS =
            HeaderValues.create(HeaderNames.IF_MODIFIED_SINCE, "Mon, 01 Jan 1900 00:00:00 GMT");
    private static final Header UNMODIFIED_SINCE_ALWAYS =
            HeaderValues.create(HeaderNames.IF_UNMODIFIED_SINCE, "Fri, 31 Dec 9999 23:59:59 GMT");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (unparsable(req, HeaderNames.IF_MODIFIED_SINCE)) {
            req.header(MODIFIED_SINCE_ALWAYS);
        }
        if (unparsable(req, HeaderNames.IF_UNMODIFIED_SINCE)) {
            req.header(UNMODIFIED_SINCE_ALWAYS);
        }
        res.beforeSend(() -> {
            // Helidon writes Date only when absent, in the same one-digit-day form: an HTTP date instead
            res.header(HeaderNames.DATE, HttpDates.format(Instant.now()));
            if (res.headers().contains(HeaderNames.LAST_MODIFIED)) {
                try {
                    ZonedDateTime modified = DateTime.parse(res.headers().get(HeaderNames.LAST_MODIFIED).get());
                    res.header(HeaderNames.LAST_MODIFIED, HttpDates.format(modified.toInstant()));
                } catch (DateTimeParseException | IllegalArgumentException e) {
                    res.headers().remove(HeaderNames.LAST_MODIFIED); // never send a date a client cannot read
                }
            }
        });
        chain.proceed();
    }

    /** Present, and not a date Helidon's parser (the one static content uses) understands. */
    private static boolean unparsable(RoutingRequest req, HeaderName name) {
        if (!req.headers().contains(name)) {
            return false;
        }
        try {
            DateTime.parse(req.headers().get(name).get());
            return false;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return true;
        }
    }
}
