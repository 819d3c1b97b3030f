package farmdesk.uploads;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

/**
 * Test images built in the test, byte by byte where ImageIO writes no metadata: a JPEG with EXIF (camera,
 * orientation, GPS), XMP and a comment, as a phone's photo has; a PNG with text and eXIf chunks; a PNG
 * claiming 50000 x 50000 pixels. The GPS position and the marker strings are constants so a test can look
 * for them in what was stored.
 */
final class TestImages {

    static final String CAMERA = "FarmCam X100";
    static final String COMMENT = "secret comment of the farm";
    static final String XMP_SECRET = "xmp-secret-creator";
    static final String PNG_TEXT = "png-secret-text";
    /** GPS latitude 48 deg 51' 29.23" N, longitude 2 deg 17' 40.17" E, as EXIF RATIONALs (big-endian). */
    static final long[] LATITUDE = {48, 1, 51, 1, 2923, 100};
    static final long[] LONGITUDE = {2, 1, 17, 1, 4017, 100};

    private TestImages() {
    }

    /** {@code w} x {@code h}, green, with a red block in the top-left quarter of each side. */
    static BufferedImage redCorner(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0, 160, 0));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(220, 0, 0));
        g.fillRect(0, 0, w / 4, h / 4);
        g.dispose();
        return image;
    }

    /** {@code w} x {@code h}, the left half fully transparent, the right half opaque blue. */
    static BufferedImage halfTransparent(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0, 0, 200, 255));
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] file) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(file));
            if (image == null) {
                throw new AssertionError("not an image ImageIO reads");
            }
            return image;
        } catch (IOException e) {
            throw new AssertionError("does not decode: " + e, e);
        }
    }

    /** A phone's photo: the JPEG of {@code image} with APP1 EXIF (camera, orientation, GPS), APP1 XMP and COM. */
    static byte[] phoneJpeg(BufferedImage image, int orientation) {
        byte[] plain = encode(image, "jpeg");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2); // SOI
        segment(out, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exif(orientation)));
        segment(out, 0xE1, concat("http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.ISO_8859_1),
                ("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
                        + "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='" + XMP_SECRET
                        + "'/></rdf:RDF></x:xmpmeta>").getBytes(StandardCharsets.UTF_8)));
        segment(out, 0xFE, COMMENT.getBytes(StandardCharsets.US_ASCII));
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** {@code jpeg} with an ICC profile (APP2 "ICC_PROFILE", one segment) right after SOI. */
    static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        segment(out, 0xE2, concat(concat("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), new byte[] {1, 1}), profile));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** {@code w} x {@code h} of one grey level. */
    static BufferedImage flat(int w, int h, int level) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(level, level, level));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    /**
     * A real JPEG of exactly {@code size} bytes: a small noisy picture, then comment segments of random
     * bytes (decoders skip them; cleaning drops them) up to the size. For tests of the upload protocol.
     */
    static byte[] paddedJpeg(int size, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        byte[] plain = encode(image, "jpeg");
        if (size < plain.length) {
            throw new IllegalArgumentException("a JPEG is at least " + plain.length + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(plain, 0, 2);
        int left = size - plain.length;
        if (left > 0 && left < 4) {
            throw new IllegalArgumentException("a segment takes at least 4 bytes: ask for 0 or 4+ more than " + plain.length);
        }
        while (left > 0) {
            // a segment is 4 bytes of marker and length, then at most 65533 bytes; 60000 at a time leaves
            // more than 4 for the last one
            int data = left > 65537 ? 60000 : left - 4;
            byte[] filler = new byte[data];
            random.nextBytes(filler);
            segment(out, 0xFE, filler);
            left -= 4 + data;
        }
        out.write(plain, 2, plain.length - 2);
        byte[] file = out.toByteArray();
        if (file.length != size) {
            throw new IllegalStateException("padded to " + file.length + ", not " + size);
        }
        return file;
    }

    /** The PNG of {@code image} with tEXt, iTXt and eXIf (orientation and GPS) chunks after IHDR. */
    static byte[] pngWithMetadata(BufferedImage image, int orientation) {
        byte[] plain = encode(image, "png");
        int afterHeader = 8 + 12 + 13; // signature, IHDR
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, afterHeader);
        chunk(out, "tEXt", ("Comment\0" + PNG_TEXT).getBytes(StandardCharsets.ISO_8859_1));
        chunk(out, "iTXt", ("XML:com.adobe.xmp\0\0\0\0\0" + XMP_SECRET).getBytes(StandardCharsets.UTF_8));
        chunk(out, "eXIf", exif(orientation));
        out.write(plain, afterHeader, plain.length - afterHeader);
        return out.toByteArray();
    }

    /** A decompression bomb: a valid PNG of a few dozen bytes whose header claims {@code w} x {@code h}. */
    static byte[] bombPng(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, 8);
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[1024]); // the first rows' bytes: zeros, compressed to almost nothing
        deflater.finish();
        byte[] idat = new byte[256];
        int n = deflater.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The chunk types of a PNG, in order. */
    static List<String> pngChunks(byte[] png) {
        List<String> types = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            types.add(new String(type, StandardCharsets.ISO_8859_1));
            b.position(b.position() + length + 4);
        }
        return types;
    }

    /** An EXIF block (big-endian TIFF): IFD0 with Make, Orientation and the GPS IFD (latitude, longitude). */
    static byte[] exif(int orientation) {
        byte[] make = (CAMERA + "\0").getBytes(StandardCharsets.US_ASCII);
        int ifd0 = 8;
        int makeAt = ifd0 + 2 + 3 * 12 + 4;
        int gpsAt = makeAt + make.length + (make.length & 1);
        int latAt = gpsAt + 2 + 4 * 12 + 4;
        int lonAt = latAt + 24;
        ByteBuffer b = ByteBuffer.allocate(lonAt + 24);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
        b.putShort((short) 3);
        entry(b, 0x010F, 2, make.length, makeAt);                   // Make, ASCII
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1)    // Orientation, SHORT, inline
                .putShort((short) orientation).putShort((short) 0);
        entry(b, 0x8825, 4, 1, gpsAt);                              // GPS IFD pointer, LONG
        b.putInt(0);
        b.put(make);
        b.position(gpsAt);
        b.putShort((short) 4);
        b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
        entry(b, 2, 5, 3, latAt);                                   // GPSLatitude, 3 RATIONALs
        b.putShort((short) 3).putShort((short) 2).putInt(2).put((byte) 'E').put((byte) 0).putShort((short) 0);
        entry(b, 4, 5, 3, lonAt);                                   // GPSLongitude
        b.putInt(0);
        b.position(latAt);
        for (long v : LATITUDE) {
            b.putInt((int) v);
        }
        for (long v : LONGITUDE) {
            b.putInt((int) v);
        }
        return b.array();
    }

    /** The bytes of EXIF RATIONALs as stored (big-endian), to look for in a file. */
    static byte[] rationals(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (long v : values) {
            b.putInt((int) v);
        }
        return b.array();
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int offset) {
        b.putShort((short) tag).putShort((short) type).putInt(count).putInt(offset);
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] data) {
        out.write(0xFF);
        out.write(marker);
        out.write((data.length + 2) >> 8);
        out.write((data.length + 2) & 0xff);
        out.write(data, 0, data.length);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
