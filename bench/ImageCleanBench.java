import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import farmdesk.uploads.FileType;
import farmdesk.uploads.ImageCleaner;
import farmdesk.uploads.StoredFile;

/**
 * Issue 14: what cleaning one phone photo costs (docs/deploy.md "Cleaning images"). Run by hand, on the
 * built classes and libraries:
 *
 * <pre>
 *   mvn -q -B -DskipTests package
 *   java -Xmx512m -cp 'target/classes:target/libs/*' bench/ImageCleanBench.java [width=4000] [height=3000] [runs=5]
 * </pre>
 *
 * Makes a photo-like JPEG (smooth gradients and sensor noise, quality 0.92) of width x height with an
 * EXIF block saying orientation 6, then cleans it runs times after one warm-up, as the completing PATCH
 * does (ImageCleaner.clean: decode, turn, re-encode without metadata, thumbnail). Prints the time of each
 * run, the bytes it allocated, and the peak of the old generation (G1 puts the large pixel arrays there
 * directly). The smallest -Xmx at which it still runs is the honest memory figure: try it.
 */
public class ImageCleanBench {

    public static void main(String[] args) throws Exception {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        byte[] photo = withExif(photoLike(w, h));
        System.out.printf("input: %d x %d = %.1f MP, JPEG %,d bytes with EXIF orientation 6%n", w, h, w * (double) h / 1e6, photo.length);
        ImageCleaner cleaner = new ImageCleaner(Long.MAX_VALUE, 1);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long baseline = oldGenUsed();
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            StoredFile stored = cleaner.clean(FileType.JPEG, photo);
            long took = (System.nanoTime() - start) / 1_000_000;
            allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
            System.out.printf("%s: %d ms, allocated %,d MB, old-gen peak %,d MB above baseline; stored %d x %d, %,d bytes, thumbnail %,d bytes%n",
                    i == 0 ? "warm-up" : "run " + i, took, allocated >> 20, (oldGenPeak() - baseline) >> 20,
                    stored.width(), stored.height(), stored.bytes().length, stored.thumbnail().length);
            if (i > 0) {
                millis.add(took);
            }
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("median %d ms over %d runs (min %d, max %d); max heap %,d MB%n", sorted[sorted.length / 2],
                sorted.length, sorted[0], sorted[sorted.length - 1], Runtime.getRuntime().maxMemory() >> 20);
    }

    private static long oldGenUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().contains("Old Gen"))
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static long oldGenPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().contains("Old Gen"))
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Gradients plus noise: compresses like a photo (~0.3-0.5 bytes a pixel), unlike flat colours. */
    private static byte[] photoLike(int w, int h) throws Exception {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(14);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = random.nextInt(17) - 8;
                int r = clamp(x * 255 / w + n);
                int g = clamp(y * 255 / h + n);
                int b = clamp(128 + (int) (60 * Math.sin(x / 50.0) * Math.cos(y / 70.0)) + n);
                row[x] = r << 16 | g << 8 | b;
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** An APP1 EXIF segment (IFD0 with orientation 6) right after SOI. */
    private static byte[] withExif(byte[] jpeg) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0).putInt(0);
        byte[] payload = new byte[6 + 26];
        System.arraycopy("Exif\0\0".getBytes(), 0, payload, 0, 6);
        System.arraycopy(tiff.array(), 0, payload, 6, 26);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
