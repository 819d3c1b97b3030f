package farmdesk.tickets;

import farmdesk.Refused;

/**
 * The text rules: values are trimmed, then measured in Unicode code points; a value of only invisible
 * characters is empty; NUL and unpaired surrogates are refused (PostgreSQL cannot store the first,
 * UTF-8 cannot carry the second).
 */
public final class Text {

    private Text() {
    }

    /**
     * Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): characters a renderer
     * shows as nothing (zero-width space and joiners, word joiner, BOM, soft hyphen, bidi controls,
     * variation selectors, Hangul fillers, tags). Pairs of first and last code point.
     */
    private static final int[] IGNORABLE = {
        0x00AD, 0x00AD, 0x034F, 0x034F, 0x061C, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F,
        0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x206F, 0x3164, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFEFF,
        0xFFA0, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0FFF,
    };

    /**
     * The trimmed value of a required field, 1..max code points, and not only invisible characters
     * (a message of zero-width spaces or a BOM would show as an empty bubble).
     */
    public static String required(String value, String field, int max) {
        String v = value == null ? "" : trim(value);
        if (v.isEmpty() || isInvisible(v)) {
            throw Refused.invalid(field + " must not be empty");
        }
        return checked(v, field, max);
    }

    /** The trimmed value of an optional field (null stays null), 1..max code points when given. */
    public static String optional(String value, String field, int max) {
        return value == null ? null : required(value, field, max);
    }

    /**
     * The trimmed value of a field that may be empty (a message's text beside an attachment): null, blank
     * or only invisible characters is {@code ""}; anything else follows the rules of {@link #required}.
     */
    public static String mayBeEmpty(String value, String field, int max) {
        String v = value == null ? "" : trim(value);
        return v.isEmpty() || isInvisible(v) ? "" : checked(v, field, max);
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

    /**
     * The first {@code max} code points of {@code s} (all of it when shorter; null stays null). A surrogate
     * pair counts as one and is never split.
     */
    public static String preview(String s, int max) {
        if (s == null || s.length() <= max) {
            return s; // no more chars than max, so no more code points
        }
        int end = 0;
        for (int n = 0; n < max && end < s.length(); n++) {
            end += Character.charCount(s.codePointAt(end));
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    /** Only white space and default-ignorable characters: nothing a reader would see. */
    static boolean isInvisible(String s) {
        return s.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || isIgnorable(c));
    }

    private static boolean isIgnorable(int c) {
        for (int i = 0; i < IGNORABLE.length; i += 2) {
            if (c < IGNORABLE[i]) {
                return false;
            }
            if (c <= IGNORABLE[i + 1]) {
                return true;
            }
        }
        return false;
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
