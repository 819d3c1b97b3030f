package farmdesk.tickets;

/**
 * The text rules: values are trimmed, then measured in Unicode code points; NUL and unpaired
 * surrogates are refused (PostgreSQL cannot store the first, UTF-8 cannot carry the second).
 */
public final class Text {

    private Text() {
    }

    /** The trimmed value of a required field, 1..max code points. */
    public static String required(String value, String field, int max) {
        String v = value == null ? "" : trim(value);
        if (v.isEmpty()) {
            throw Refused.invalid(field + " must not be empty");
        }
        return checked(v, field, max);
    }

    /** The trimmed value of an optional field (null stays null), 1..max code points when given. */
    public static String optional(String value, String field, int max) {
        return value == null ? null : required(value, field, max);
    }

    /** Trims Unicode white space at both ends, no-break spaces included (String.strip keeps them). */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String checked(String v, String field, int max) {
        int length = v.codePointCount(0, v.length());
        if (length > max) {
            throw Refused.invalid(field + " must be at most " + max + " characters, got " + length);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == 0) {
                throw Refused.invalid(field + " must not contain NUL characters");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw Refused.invalid(field + " is not valid Unicode (unpaired surrogate)");
            }
            if (Character.isLowSurrogate(c)) {
                throw Refused.invalid(field + " is not valid Unicode (unpaired surrogate)");
            }
        }
        return v;
    }
}
