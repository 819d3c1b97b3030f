package farmdesk.uploads;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static farmdesk.uploads.TestImages.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is stored when an upload completes (docs/api.md "What is stored"): images without any metadata
 * (EXIF with GPS, XMP, comments, PNG text), turned as their EXIF orientation said, with a thumbnail;
 * WebP as JPEG or PNG; PDF byte for byte; bombs and broken images refused. Real HTTP through the tus
 * client, the stored bytes read back from the store (H2 and PostgreSQL).
 */
@FarmdeskServer
class ImageCleaningTest {

    private final Farmdesk app;
    private final Api api;
    private final Tus tus;

    ImageCleaningTest(Farmdesk app, Api api) {
        this.app = app;
        this.api = api;
        this.tus = new Tus(api.base());
    }

    @Test
    void aPhonesPhotoLosesExifGpsXmpAndCommentAndIsTurnedAsItsOrientationSaid() throws Exception {
        String farmer = api.farmer("F-img-phone");
        // the sensor's grid: 800 x 400, red top-left corner; orientation 6 says "turn 90 degrees clockwise"
        byte[] photo = TestImages.phoneJpeg(TestImages.redCorner(800, 400), 6);
        for (String marker : new String[] {"Exif", TestImages.CAMERA, TestImages.COMMENT, TestImages.XMP_SECRET}) {
            assertTrue(contains(photo, marker), "the upload carries " + marker);
        }
        assertTrue(contains(photo, TestImages.rationals(TestImages.LATITUDE)), "the upload carries the GPS position");

        String path = uploadInTwo(farmer, photo, "bags.jpg");
        byte[] stored = stored(path);
        Upload upload = app.uploads().find(TusUploadsTest.idOf(path)).orElseThrow();

        for (String marker : new String[] {"Exif", TestImages.CAMERA, TestImages.COMMENT, TestImages.XMP_SECRET,
                "http://ns.adobe.com/xap", "ICC_PROFILE"}) {
            assertFalse(contains(stored, marker), marker + " is gone");
        }
        assertFalse(contains(stored, TestImages.rationals(TestImages.LATITUDE)), "the latitude is gone");
        assertFalse(contains(stored, TestImages.rationals(TestImages.LONGITUDE)), "the longitude is gone");
        assertEquals(Set.of(), metadataSegments(stored), "no APPn (but JFIF's APP0) nor COM segment is left");

        assertEquals("image/jpeg", upload.contentType());
        assertEquals(stored.length, upload.storedBytes());
        assertEquals(400, upload.width(), "as shown: turned a quarter");
        assertEquals(800, upload.height());
        BufferedImage shown = TestImages.decode(stored);
        assertEquals(400, shown.getWidth());
        assertEquals(800, shown.getHeight());
        // turned clockwise, the red top-left corner is at the top right
        assertRed(shown, 400 - 20, 20);
        assertGreen(shown, 20, 20);
        assertGreen(shown, 400 - 20, 800 - 20);

        BufferedImage thumbnail = TestImages.decode(app.uploads().thumbnail(TusUploadsTest.idOf(path)).orElseThrow());
        assertEquals(160, thumbnail.getWidth());
        assertEquals(320, thumbnail.getHeight(), "longest side 320");
        assertRed(thumbnail, 160 - 8, 8);
        assertGreen(thumbnail, 8, 8);

        assertEquals(Integer.toString(photo.length), tus.head(path, farmer).header("Upload-Offset"),
                "to tus the upload is what was sent");
    }

    @Test
    void aSmallImagesThumbnailIsNotEnlarged() throws Exception {
        String farmer = api.farmer("F-img-small");
        String path = upload(farmer, TestImages.phoneJpeg(TestImages.redCorner(64, 32), 1), "small.jpg");
        Upload upload = app.uploads().find(TusUploadsTest.idOf(path)).orElseThrow();
        assertEquals(64, upload.width());
        assertEquals(32, upload.height());
        assertFalse(contains(stored(path), TestImages.CAMERA));
        BufferedImage thumbnail = TestImages.decode(app.uploads().thumbnail(TusUploadsTest.idOf(path)).orElseThrow());
        assertEquals(64, thumbnail.getWidth());
        assertEquals(32, thumbnail.getHeight());
    }

    @Test
    void aPngLosesItsTextAndExifChunksAndKeepsItsTransparency() throws Exception {
        String farmer = api.farmer("F-img-png");
        byte[] png = TestImages.pngWithMetadata(TestImages.halfTransparent(30, 20), 6);
        assertTrue(TestImages.pngChunks(png).containsAll(List.of("tEXt", "iTXt", "eXIf")));

        String path = upload(farmer, png, "screen.png");
        byte[] stored = stored(path);
        Upload upload = app.uploads().find(TusUploadsTest.idOf(path)).orElseThrow();
        assertEquals("image/png", upload.contentType());
        assertEquals(stored.length, upload.storedBytes());
        assertTrue(Set.of("IHDR", "PLTE", "IDAT", "IEND").containsAll(TestImages.pngChunks(stored)),
                "only the picture's chunks: " + TestImages.pngChunks(stored));
        for (String marker : new String[] {TestImages.PNG_TEXT, TestImages.XMP_SECRET, TestImages.CAMERA}) {
            assertFalse(contains(stored, marker), marker + " is gone");
        }
        assertFalse(contains(stored, TestImages.rationals(TestImages.LATITUDE)));
        assertEquals(20, upload.width());
        assertEquals(30, upload.height());
        BufferedImage shown = TestImages.decode(stored);
        // stored: left half transparent; turned clockwise: the top half
        assertEquals(0, shown.getRGB(10, 5) >>> 24, "transparent stays transparent");
        assertEquals(0xFF0000C8, shown.getRGB(10, 25), "opaque blue");

        BufferedImage thumbnail = TestImages.decode(app.uploads().thumbnail(TusUploadsTest.idOf(path)).orElseThrow());
        int white = thumbnail.getRGB(10, 3);
        assertTrue(((white >> 16) & 0xff) > 240 && (white & 0xff) > 240, "transparency flattened on white");
    }

    @Test
    void aLossyWebpIsStoredAsJpegAndOneWithTransparencyAsPng() throws Exception {
        String farmer = api.farmer("F-img-webp");
        byte[] lossy = resource("photo-lossy-exif6.webp");
        String lossyPath = upload(farmer, lossy, "photo.webp");
        Upload jpeg = app.uploads().find(TusUploadsTest.idOf(lossyPath)).orElseThrow();
        byte[] storedJpeg = stored(lossyPath);
        assertEquals("image/jpeg", jpeg.contentType());
        assertEquals(storedJpeg.length, jpeg.storedBytes());
        assertEquals((byte) 0xFF, storedJpeg[0]);
        assertEquals((byte) 0xD8, storedJpeg[1]);
        assertFalse(contains(storedJpeg, TestImages.CAMERA));
        assertFalse(contains(storedJpeg, TestImages.rationals(TestImages.LATITUDE)));
        assertEquals(32, jpeg.width(), "the WebP's EXIF orientation (6) applied");
        assertEquals(64, jpeg.height());
        assertRed(TestImages.decode(storedJpeg), 32 - 4, 4);

        byte[] alpha = resource("transparent-lossless.webp");
        String alphaPath = upload(farmer, alpha, "sticker.webp");
        Upload png = app.uploads().find(TusUploadsTest.idOf(alphaPath)).orElseThrow();
        assertEquals("image/png", png.contentType());
        assertEquals(30, png.width());
        assertEquals(20, png.height());
        BufferedImage shown = TestImages.decode(stored(alphaPath));
        assertEquals(0, shown.getRGB(5, 10) >>> 24, "transparent stays transparent");
        assertEquals(0xFF0000C8, shown.getRGB(25, 10));
        assertTrue(app.uploads().thumbnail(TusUploadsTest.idOf(alphaPath)).isPresent());
    }

    @Test
    void aJpegsColourProfileIsAppliedBeforeItIsStripped() throws Exception {
        String farmer = api.farmer("F-img-icc");
        // grey 128 in linear RGB is a lighter grey in sRGB (~188): a stripped but unapplied profile shows 128
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        byte[] photo = TestImages.withIccProfile(TestImages.encode(TestImages.flat(32, 32, 128), "jpeg"), profile);
        String path = upload(farmer, photo, "linear.jpg");
        byte[] stored = stored(path);
        assertFalse(contains(stored, "ICC_PROFILE"), "the profile is gone");
        int grey = TestImages.decode(stored).getRGB(16, 16) & 0xff;
        assertTrue(grey > 175 && grey < 200, "converted to sRGB: " + grey);
    }

    @Test
    void aPngClaiming50000By50000PixelsIsRefusedBeforeItIsDecoded() {
        String farmer = api.farmer("F-img-bomb");
        byte[] bomb = TestImages.bombPng(50_000, 50_000);
        assertTrue(bomb.length < 200, "a tiny file: " + bomb.length);
        String path = tus.created(farmer, bomb.length, "bomb.png");
        Api.Answer last = tus.patch(path, farmer, 0, bomb);
        assertEquals(415, last.status(), last.toString());
        assertTrue(last.header("Content-Type").startsWith("application/problem+json"), last.toString());
        assertTrue(last.body().contains("2500000000 pixels"), last.body());
        assertEquals("1.0.0", last.header("Tus-Resumable"));
        assertEquals(404, tus.head(path, farmer).status(), "discarded");
        assertTrue(app.uploads().find(TusUploadsTest.idOf(path)).isEmpty());
    }

    @Test
    void theLimitIsASetting(Servers servers) {
        Farmdesk small = servers.start(s -> s.maxImagePixels(1000));
        Api l = new Api(small.port());
        Tus t = new Tus(l.base());
        String farmer = l.farmer("F-img-limit");
        byte[] photo = TestImages.phoneJpeg(TestImages.redCorner(64, 32), 1); // 2048 pixels
        String path = t.created(farmer, photo.length, "a.jpg");
        Api.Answer refused = t.patch(path, farmer, 0, photo);
        assertEquals(415, refused.status(), refused.toString());
        assertTrue(refused.body().contains("FARMDESK_MAX_IMAGE_PIXELS"), refused.body());
        assertEquals(404, t.head(path, farmer).status());

        byte[] fits = TestImages.phoneJpeg(TestImages.redCorner(40, 25), 1); // 1000 pixels
        String ok = t.created(farmer, fits.length, "b.jpg");
        assertEquals(204, t.patch(ok, farmer, 0, fits).status());
    }

    @Test
    void aJpegThatDoesNotDecodeIs415AndDiscarded() {
        String farmer = api.farmer("F-img-corrupt");
        byte[] garbage = new byte[3000];
        new Random(14).nextBytes(garbage);
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = (byte) 0xFF;
        byte[] truncatedPng = Arrays.copyOf(TestImages.encode(TestImages.redCorner(64, 32), "png"), 40);
        byte[] webpHeaderOnly = "RIFF\u0010\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] broken : new byte[][] {garbage, truncatedPng, webpHeaderOnly}) {
            String path = tus.created(farmer, broken.length, "broken");
            Api.Answer last = tus.patch(path, farmer, 0, broken);
            assertEquals(415, last.status(), last.toString());
            assertTrue(last.header("Content-Type").startsWith("application/problem+json"), last.toString());
            assertTrue(last.body().contains("could not be decoded"), last.body());
            assertEquals(404, tus.head(path, farmer).status(), "discarded");
        }
    }

    @Test
    void aPdfIsStoredByteForByte() throws Exception {
        String farmer = api.farmer("F-img-pdf");
        byte[] pdf = TusUploadsTest.pdf(600_000, 14); // more than two stored pieces
        String path = uploadInTwo(farmer, pdf, "delivery-note.pdf");
        assertArrayEquals(pdf, stored(path));
        Upload upload = app.uploads().find(TusUploadsTest.idOf(path)).orElseThrow();
        assertEquals("application/pdf", upload.contentType());
        assertEquals(pdf.length, upload.storedBytes());
        assertNull(upload.width());
        assertNull(upload.height());
        assertTrue(app.uploads().thumbnail(TusUploadsTest.idOf(path)).isEmpty(), "no thumbnail for a PDF");
    }

    private String upload(String token, byte[] file, String name) {
        String path = tus.created(token, file.length, name);
        Api.Answer a = tus.patch(path, token, 0, file);
        assertEquals(204, a.status(), a.toString());
        return path;
    }

    private String uploadInTwo(String token, byte[] file, String name) {
        String path = tus.created(token, file.length, name);
        int half = file.length / 2;
        assertEquals(204, tus.patch(path, token, 0, Arrays.copyOf(file, half)).status());
        Api.Answer last = tus.patch(path, token, half, Arrays.copyOfRange(file, half, file.length));
        assertEquals(204, last.status(), last.toString());
        assertEquals(Integer.toString(file.length), last.header("Upload-Offset"));
        return path;
    }

    private byte[] stored(String path) throws IOException {
        try (InputStream in = app.uploads().read(TusUploadsTest.idOf(path))) {
            return in.readAllBytes();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageCleaningTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The markers of APP1-APP15 and COM segments before the image data, and APP0 other than JFIF. */
    private static Set<String> metadataSegments(byte[] jpeg) {
        java.util.Set<String> found = new java.util.TreeSet<>();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xDA) {
                break;
            }
            int length = (jpeg[i + 2] & 0xff) << 8 | jpeg[i + 3] & 0xff;
            boolean jfif = marker == 0xE0 && new String(jpeg, i + 4, 4, StandardCharsets.ISO_8859_1).equals("JFIF");
            if ((marker >= 0xE0 && marker <= 0xEF && !jfif) || marker == 0xFE) {
                found.add(Integer.toHexString(marker));
            }
            i += 2 + length;
        }
        return found;
    }

    private static void assertRed(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        assertTrue(((rgb >> 16) & 0xff) > 180 && ((rgb >> 8) & 0xff) < 80,
                "red at " + x + "," + y + ": " + Integer.toHexString(rgb));
    }

    private static void assertGreen(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        assertTrue(((rgb >> 16) & 0xff) < 80 && ((rgb >> 8) & 0xff) > 120,
                "green at " + x + "," + y + ": " + Integer.toHexString(rgb));
    }
}
