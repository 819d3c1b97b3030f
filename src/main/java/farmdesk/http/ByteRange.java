package farmdesk.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one byte range of a {@code Range} header (RFC 9110 14.2) over a representation of {@code size}
 * bytes: {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} (the last n). Several ranges, another
 * unit or a malformed header are ignored, as the RFC allows: the whole file is sent (200).
 *
 * @param first the first byte sent
 * @param last  the last byte sent (inclusive)
 */
public record ByteRange(long first, long last) {

    private static final Pattern ONE = Pattern.compile("bytes=([0-9]{0,18})-([0-9]{0,18})");

    /** What a Range header asks for. */
    public sealed interface Asked permits Whole, Part, Unsatisfiable {
    }

    /** No range, or one that is ignored: 200 with every byte. */
    public record Whole() implements Asked {
    }

    /** 206 with these bytes. */
    public record Part(ByteRange range) implements Asked {
    }

    /** 416: the range starts past the end. */
    public record Unsatisfiable() implements Asked {
    }

    public long length() {
        return last - first + 1;
    }

    /** {@code Content-Range} of a 206. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** {@code Content-Range} of a 416. */
    public static String unsatisfied(long size) {
        return "bytes */" + size;
    }

    public static Asked parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        Matcher m = ONE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
            return new Whole(); // invalid (RFC 9110 14.1.1): ignored
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
        return new Part(new ByteRange(first, Math.min(last, size - 1)));
    }
}
