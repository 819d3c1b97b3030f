package farmdesk.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP dates as RFC 9110 (5.6.7) says a sender writes them: IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}
 * (two-digit day, GMT). Java's RFC_1123_DATE_TIME, which Helidon's static content uses, writes a one-digit
 * day ({@code Sat, 5 Dec 2026}) and the server's own zone offset: not an HTTP date.
 */
public final class HttpDates {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }
}
