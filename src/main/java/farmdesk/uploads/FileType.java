package farmdesk.uploads;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The allow-list of what may be uploaded, decided by the first bytes (magic numbers), never by the
 * name or the type the client claims: an SVG or an HTML page renamed .jpg is refused, since served
 * back it could run script in the service's origin.
 */
public enum FileType {
    JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
    WEBP("image/webp", null),
    PDF("application/pdf", "%PDF-".getBytes(StandardCharsets.US_ASCII));

    /** Bytes enough to tell every type apart (WebP: "RIFF", 4 bytes of size, "WEBP"). */
    public static final int HEAD_BYTES = 12;

    private final String contentType;
    private final byte[] magic;

    FileType(String contentType, byte[] magic) {
        this.contentType = contentType;
        this.magic = magic;
    }

    public String contentType() {
        return contentType;
    }

    /** The type of a file that starts with {@code head} (its first bytes, up to {@link #HEAD_BYTES}). */
    public static Optional<FileType> of(byte[] head) {
        for (FileType t : values()) {
            if (t.matches(head)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private boolean matches(byte[] head) {
        if (this == WEBP) {
            return head.length >= 12 && ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP");
        }
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    private static boolean ascii(byte[] b, int at, String s) {
        return Arrays.equals(b, at, at + s.length(), s.getBytes(StandardCharsets.US_ASCII), 0, s.length());
    }
}
