package farmdesk.uploads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

/**
 * Reads the EXIF orientation of a JPEG (APP1 "Exif"), PNG (eXIf chunk) or WebP (EXIF chunk): where each
 * format keeps its EXIF block, found by walking the file's segments or chunks; the block itself (TIFF) is
 * read by TwelveMonkeys' TIFF reader. A missing or broken block means "as stored", which is what a browser
 * shows for such a file.
 */
final class ExifOrientation {

    private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);

    private ExifOrientation() {
    }

    static Orientation of(FileType type, byte[] file) {
        byte[] tiff = switch (type) {
            case JPEG -> jpegExif(file);
            case PNG -> pngExif(file);
            case WEBP -> webpExif(file);
            case PDF -> null;
        };
        if (tiff == null) {
            return Orientation.NORMAL;
        }
        try {
            Directory exif = new TIFFReader().read(new ByteArrayImageInputStream(tiff));
            Entry entry = exif.getEntryById(TIFF.TAG_ORIENTATION);
            return entry != null && entry.getValue() instanceof Number n ? Orientation.of(n.intValue()) : Orientation.NORMAL;
        } catch (IOException | RuntimeException e) {
            return Orientation.NORMAL;
        }
    }

    /** The TIFF block of the first APP1 "Exif" segment before the image data, or null. */
    private static byte[] jpegExif(byte[] f) {
        int i = 2;
        while (i + 4 <= f.length) {
            if ((f[i] & 0xff) != 0xFF) {
                return null;
            }
            int marker = f[i + 1] & 0xff;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image: no more metadata
                return null;
            }
            int length = u16(f, i + 2);
            if (marker == 0xE1 && length >= 2 + EXIF_HEADER.length && startsWith(f, i + 4, EXIF_HEADER)) {
                return Arrays.copyOfRange(f, i + 4 + EXIF_HEADER.length, Math.min(f.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return null;
    }

    /** The data of the eXIf chunk, or null. */
    private static byte[] pngExif(byte[] f) {
        long i = 8;
        while (i + 8 <= f.length) {
            int at = (int) i;
            long length = u32(f, at);
            String type = new String(f, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("eXIf")) {
                return Arrays.copyOfRange(f, at + 8, (int) Math.min(f.length, at + 8 + length));
            }
            if (type.equals("IEND")) {
                return null;
            }
            i += 12 + length;
        }
        return null;
    }

    /** The data of the EXIF chunk (some writers put "Exif\0\0" before the TIFF block), or null. */
    private static byte[] webpExif(byte[] f) {
        long i = 12;
        while (i + 8 <= f.length) {
            int at = (int) i;
            long size = u32le(f, at + 4);
            if (new String(f, at, 4, StandardCharsets.ISO_8859_1).equals("EXIF")) {
                int from = at + 8;
                if (startsWith(f, from, EXIF_HEADER)) {
                    from += EXIF_HEADER.length;
                }
                return Arrays.copyOfRange(f, Math.min(from, f.length), (int) Math.min(f.length, at + 8 + size));
            }
            i += 8 + size + (size & 1);
        }
        return null;
    }

    private static boolean startsWith(byte[] f, int at, byte[] prefix) {
        return at + prefix.length <= f.length && Arrays.equals(f, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static int u16(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | f[at + 1] & 0xff;
    }

    private static long u32(byte[] f, int at) {
        return (long) u16(f, at) << 16 | u16(f, at + 2);
    }

    private static long u32le(byte[] f, int at) {
        return (f[at] & 0xffL) | (f[at + 1] & 0xffL) << 8 | (f[at + 2] & 0xffL) << 16 | (f[at + 3] & 0xffL) << 24;
    }
}
