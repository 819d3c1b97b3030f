package farmdesk.http;

import java.nio.charset.StandardCharsets;

/**
 * A {@code Content-Disposition} header for a file name a client chose (RFC 6266): the name is never
 * trusted. Quotes, backslashes, slashes and control characters become {@code _} (no header injection, no
 * path for a browser to follow), then {@code filename} carries an ASCII form (anything else as {@code _})
 * for old clients and {@code filename*} the UTF-8 name, percent-encoded (RFC 8187).
 */
public final class ContentDisposition {

    private ContentDisposition() {
    }

    /** @param inline true: shown in the browser (images); false: saved (PDF) */
    public static String of(boolean inline, String name) {
        String safe = safe(name == null || name.isBlank() ? "attachment" : name);
        StringBuilder ascii = new StringBuilder(safe.length());
        safe.codePoints().forEach(c -> ascii.append(c < 0x7f ? (char) c : '_'));
        return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded(safe);
    }

    private static String safe(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            boolean unsafe = c == '"' || c == '\\' || c == '/' || Character.isISOControl(c)
                    || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.SURROGATE;
            out.appendCodePoint(unsafe ? '_' : c);
        });
        return out.toString();
    }

    /** RFC 8187 attr-char stays; every other byte of the UTF-8 form is %XX. */
    private static String encoded(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
