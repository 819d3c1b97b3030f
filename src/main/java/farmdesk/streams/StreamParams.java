package farmdesk.streams;

import farmdesk.Refused;


/**
 * Reads the numbers a stream or poll request carries ({@code Last-Event-ID}, {@code lastEventId},
 * {@code after}, {@code timeout}) strictly: ASCII digits only. Java's own parsers also take a sign and
 * the digits of every script ({@code +5}, {@code ٥}, full-width {@code ５}), which no client means.
 */
final class StreamParams {

    private StreamParams() {
    }

    /**
     * An event id: a whole number, 0 meaning "before the first event". One too large for a long is beyond
     * any stored id, like any other id beyond the log: the stream answers with a reset, not a 400.
     */
    static long eventId(String value, String name) {
        if (!isDigits(value)) {
            throw Refused.invalid(name + " must be an event id (a whole number >= 0, ASCII digits)");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** Seconds to hold a poll: a whole number (leading zeros allowed), anything above 30 counts as 30. */
    static int timeoutSeconds(String value) {
        String v = value.strip();
        if (!isDigits(v)) {
            throw Refused.invalid("timeout must be a whole number of seconds (0.." + LongPoll.MAX_TIMEOUT_SECONDS + ")");
        }
        int first = 0;
        while (first < v.length() - 1 && v.charAt(first) == '0') {
            first++;
        }
        String significant = v.substring(first);
        // more than two significant digits is above 30 whatever they are (and may not fit an int)
        return significant.length() > 2 ? LongPoll.MAX_TIMEOUT_SECONDS
                : Math.min(Integer.parseInt(significant), LongPoll.MAX_TIMEOUT_SECONDS);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
