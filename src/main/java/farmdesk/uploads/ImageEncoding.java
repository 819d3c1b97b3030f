package farmdesk.uploads;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes pixels as a fresh JPEG or PNG with no metadata: the writers are given no metadata object, so a
 * JPEG gets only its JFIF header (no EXIF, XMP, IPTC, comment or ICC segment) and a PNG only IHDR, IDAT and
 * IEND (no text, eXIf or iCCP chunk). The pixels are sRGB by then ({@link ImageCleaner}).
 */
final class ImageEncoding {

    /** Visually lossless for photos at about a third of the size of 1.0. */
    static final float JPEG_QUALITY = 0.9f;

    private ImageEncoding() {
    }

    /** {@code image} must have no alpha (JPEG has none): 3-byte BGR or 1-byte gray. */
    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = writer("jpeg");
        JPEGImageWriteParam param = new JPEGImageWriteParam(null);
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        param.setOptimizeHuffmanTables(true); // a few percent smaller for a little CPU
        return write(writer, image, param);
    }

    static byte[] png(BufferedImage image) {
        return write(writer("png"), image, null);
    }

    private static ImageWriter writer(String format) {
        // the JDK's own writers: TwelveMonkeys' JPEG writer only delegates to it
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        ImageWriter first = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.")) {
                return w;
            }
            first = first == null ? w : first;
        }
        if (first == null) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return first;
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory: no I/O can fail
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
