package farmdesk.uploads;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

/**
 * Cleans an image upload when it completes (docs/api.md "What is stored"): decodes it, turns the pixels
 * as its EXIF orientation says, and writes them again with no metadata at all, so no GPS position, camera,
 * XMP, IPTC or comment survives; then makes the thumbnail.
 * <ul>
 * <li>JPEG is stored as JPEG (quality 0.9), PNG as PNG (alpha kept). There is no pure-Java WebP writer:
 *     a WebP with transparency is stored as PNG, one without as JPEG 0.9, and its type says so.</li>
 * <li>Colours: a JPEG with an ICC profile (Adobe RGB, Display P3, CMYK) is converted to sRGB, since the
 *     profile is stripped with the rest. PNG colour profiles (iCCP) are not applied (the JDK's PNG reader
 *     ignores them); PNGs are mostly screenshots in sRGB.</li>
 * <li>Cost: the pixel size is read from the header first and anything above the limit is refused before a
 *     byte of pixels is decoded (a 100-byte PNG can claim 50000 x 50000 = 10 GB of pixels). A decoded image
 *     holds 3-4 bytes a pixel, twice while it is turned; at most {@code concurrent} images are cleaned at
 *     once, the next completion waits its turn (docs/deploy.md "Cleaning images").</li>
 * </ul>
 */
public final class ImageCleaner {

    /** Two at most: the machine's two cores, and twice the memory of one image at the pixel limit. */
    public static final int MAX_CONCURRENT = 2;
    /**
     * Heap a cleaning holds at its peak, per pixel: the decoded pixels (3 bytes, 4 with alpha) and their
     * turned copy, plus the encoded output. Measured (bench/ImageCleanBench.java): 12 MP, 86-97 MB; 40 MP,
     * 305-319 MB. A CMYK JPEG holds ~2 bytes a pixel more while it is converted.
     */
    public static final int PEAK_BYTES_PER_PIXEL = 8;
    private static final Logger LOG = Logger.getLogger(ImageCleaner.class.getName());

    private final long maxPixels;
    private final Semaphore turns;

    public ImageCleaner(long maxPixels, int concurrent) {
        this.maxPixels = maxPixels;
        this.turns = new Semaphore(concurrent, true);
    }

    /**
     * Cleans {@link #MAX_CONCURRENT} images at once when two at the pixel limit fit in half the heap,
     * else one (the rest of the heap is the streams' and the database's). Warns when even one does not:
     * an OutOfMemoryError would stop the process (docs/deploy.md asks for -XX:+ExitOnOutOfMemoryError).
     */
    public static ImageCleaner forHeap(long maxPixels, long maxHeapBytes) {
        long perImage = maxPixels * PEAK_BYTES_PER_PIXEL;
        int concurrent = perImage * MAX_CONCURRENT <= maxHeapBytes / 2 ? MAX_CONCURRENT : 1;
        if (perImage > maxHeapBytes / 2) {
            LOG.warning("cleaning one image of FARMDESK_MAX_IMAGE_PIXELS=" + maxPixels + " pixels takes up to "
                    + (perImage >> 20) + " MB of heap, more than half of the " + (maxHeapBytes >> 20)
                    + " MB this JVM has: give it more (-Xmx) or lower FARMDESK_MAX_IMAGE_PIXELS (docs/deploy.md)");
        }
        return new ImageCleaner(maxPixels, concurrent);
    }

    /** The stored form of an image upload ({@code file}: its bytes, whose magic said {@code type}). */
    public StoredFile clean(FileType type, byte[] file) throws UnusableImage {
        if (type == FileType.PDF) {
            throw new IllegalArgumentException("a PDF is stored as sent");
        }
        String name = type.name();
        ImageReader reader = reader(type);
        try {
            reader.setInput(new ByteArrayImageInputStream(file), true, true);
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            if (w < 1 || h < 1) {
                throw new UnusableImage("the " + name + " image has no pixels");
            }
            if (w * h > maxPixels) {
                throw new UnusableImage("the " + name + " image is " + w + " x " + h + " = " + w * h
                        + " pixels; at most " + maxPixels + " are accepted (FARMDESK_MAX_IMAGE_PIXELS)");
            }
            turns.acquireUninterruptibly();
            try {
                BufferedImage decoded = reader.read(0);
                return cleaned(type, decoded, ExifOrientation.of(type, file));
            } finally {
                turns.release();
            }
        } catch (IOException | RuntimeException e) {
            // a truncated file, a broken header, a bad Huffman table: the decoders throw IIOException and,
            // for some damage, runtime exceptions of their own; either way the file is no usable image
            throw new UnusableImage("the file starts as a " + name + " image but could not be decoded ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            reader.dispose();
        }
    }

    private static StoredFile cleaned(FileType type, BufferedImage decoded, Orientation orientation) {
        BufferedImage shown = shown(decoded, orientation);
        boolean alpha = shown.getColorModel().hasAlpha();
        byte[] bytes;
        String contentType;
        if (type == FileType.PNG || (type == FileType.WEBP && alpha)) {
            bytes = ImageEncoding.png(shown);
            contentType = FileType.PNG.contentType();
        } else {
            bytes = ImageEncoding.jpeg(shown, ImageEncoding.JPEG_QUALITY);
            contentType = FileType.JPEG.contentType();
        }
        return new StoredFile(contentType, bytes, shown.getWidth(), shown.getHeight(), Thumbnail.of(shown));
    }

    /**
     * The pixels as shown: in sRGB, turned as the orientation says, in a type the JDK's writers take
     * (3-byte BGR, 1-byte gray, or int ARGB when there is transparency).
     */
    static BufferedImage shown(BufferedImage decoded, Orientation orientation) {
        ColorSpace space = decoded.getColorModel().getColorSpace();
        boolean gray = space.getNumComponents() == 1;
        boolean alpha = decoded.getColorModel().hasAlpha();
        BufferedImage srgb = decoded;
        if (!gray && !space.isCS_sRGB()) {
            // an ICC profile or CMYK: the profile goes with the metadata, so the colours must be sRGB first
            srgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(),
                    alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_3BYTE_BGR);
            new ColorConvertOp(null).filter(decoded, srgb);
        }
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        if (orientation == Orientation.NORMAL && srgb.getType() == type) {
            return srgb;
        }
        int w = srgb.getWidth();
        int h = srgb.getHeight();
        BufferedImage target = orientation.swapsSides() ? new BufferedImage(h, w, type) : new BufferedImage(w, h, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src); // transparent pixels stay transparent, not blended
            // quarter turns and mirrors map pixel onto pixel: nothing to interpolate
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(srgb, orientation.transform(w, h), null);
        } finally {
            g.dispose();
        }
        return target;
    }

    private static ImageReader reader(FileType type) {
        // by format, not by sniffing: the magic bytes already chose the format. For JPEG, TwelveMonkeys'
        // reader registers itself ahead of the JDK's (it reads CMYK/YCCK and damaged files the JDK refuses)
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type.name().toLowerCase(java.util.Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + type + " (TwelveMonkeys' imageio-webp missing?)");
        }
        return readers.next();
    }
}
