package farmdesk.uploads;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resumable uploads (docs/api.md, "Uploads"): tus 1.0.0 core, creation, termination and expiry over real
 * HTTP, on H2 and PostgreSQL.
 */
@FarmdeskServer
class TusUploadsTest {

    private final Farmdesk app;
    private final Api api;
    private final Tus tus;

    TusUploadsTest(Farmdesk app, Api api) {
        this.app = app;
        this.api = api;
        this.tus = new Tus(api.base());
    }

    /**
     * A real JPEG of exactly {@code size} bytes (a small picture padded with comment segments): it completes,
     * and is cleaned, so what is stored is not these bytes (ImageCleaningTest).
     */
    static byte[] jpeg(int size, long seed) {
        return TestImages.paddedJpeg(size, seed);
    }

    /** A PDF's first bytes, then noise: stored byte for byte, for the tests of the protocol's bytes. */
    static byte[] pdf(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] magic = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, b, 0, magic.length);
        return b;
    }

    static String idOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private byte[] stored(String path) throws Exception {
        try (InputStream in = app.uploads().read(idOf(path))) {
            return in.readAllBytes();
        }
    }

    @Test
    void optionsAdvertisesTheProtocolWithoutAuth() {
        Api.Answer a = tus.send("OPTIONS", "/api/uploads", null, null);
        assertEquals(204, a.status(), a.toString());
        assertEquals("1.0.0", a.header("Tus-Resumable"));
        assertEquals("1.0.0", a.header("Tus-Version"));
        assertTrue(a.header("Tus-Extension").contains("creation"), a.toString());
        assertTrue(a.header("Tus-Extension").contains("termination"), a.toString());
        assertEquals(Long.toString(10L * 1024 * 1024), a.header("Tus-Max-Size"));
    }

    @Test
    void createdThenUploadedInTwoPatchesIsCompleteAndTyped() throws Exception {
        String farmer = api.farmer("F-tus-create");
        byte[] photo = pdf(300_000, 1);
        Api.Answer created = tus.create(farmer, photo.length, "bags.pdf", "application/pdf");
        assertEquals(201, created.status(), created.toString());
        assertEquals("1.0.0", created.header("Tus-Resumable"));
        assertNotNull(created.header("Upload-Expires"), created.toString());
        String path = created.header("Location");
        assertTrue(path.matches("/api/uploads/[A-Za-z0-9_-]+"), path);

        Api.Answer head = tus.head(path, farmer);
        assertEquals(200, head.status(), head.toString());
        assertEquals("0", head.header("Upload-Offset"));
        assertEquals(Integer.toString(photo.length), head.header("Upload-Length"));
        assertEquals("no-store", head.header("Cache-Control"));

        Api.Answer first = tus.patch(path, farmer, 0, Arrays.copyOf(photo, 100_000));
        assertEquals(204, first.status(), first.toString());
        assertEquals("100000", first.header("Upload-Offset"));
        assertEquals("1.0.0", first.header("Tus-Resumable"));
        Api.Answer second = tus.patch(path, farmer, 100_000, Arrays.copyOfRange(photo, 100_000, photo.length));
        assertEquals(204, second.status(), second.toString());
        assertEquals(Integer.toString(photo.length), second.header("Upload-Offset"));

        assertArrayEquals(photo, stored(path));
        Upload upload = app.uploads().find(idOf(path)).orElseThrow();
        assertEquals("application/pdf", upload.contentType());
        assertEquals("bags.pdf", upload.filename());
        assertEquals(Integer.toString(photo.length), tus.head(path, farmer).header("Upload-Offset"));
    }

    @Test
    void anUploadCutInTheMiddleResumesFromHeadsOffset() throws Exception {
        String farmer = api.farmer("F-tus-cut");
        byte[] photo = pdf(700_000, 2);
        String path = tus.created(farmer, photo.length, "cut.jpg");
        int sent = 400_000; // more than one stored piece, and a part of the next
        try (Socket s = new Socket(api.base().getHost(), api.base().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                    + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                    + "\r\nContent-Length: " + photo.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(photo, 0, sent);
            out.flush();
        } // the connection is cut: the rest never comes

        // the server notices the cut when it reads on; wait (no time asserted) until it stored what came
        long offset = -1;
        for (int i = 0; i < 200 && offset != sent; i++) {
            offset = Long.parseLong(tus.head(path, farmer).header("Upload-Offset"));
            if (offset != sent) {
                Thread.sleep(50);
            }
        }
        assertEquals(sent, offset, "what arrived before the cut is kept");

        Api.Answer rest = tus.patch(path, farmer, offset, Arrays.copyOfRange(photo, (int) offset, photo.length));
        assertEquals(204, rest.status(), rest.toString());
        assertEquals(Integer.toString(photo.length), rest.header("Upload-Offset"));
        assertArrayEquals(photo, stored(path));
    }

    @Test
    void terminationRemovesTheUpload() throws Exception {
        String farmer = api.farmer("F-tus-delete");
        byte[] photo = jpeg(50_000, 3);
        String path = tus.created(farmer, photo.length, "gone.jpg");
        assertEquals(204, tus.patch(path, farmer, 0, Arrays.copyOf(photo, 20_000)).status());
        Api.Answer deleted = tus.delete(path, farmer);
        assertEquals(204, deleted.status(), deleted.toString());
        assertEquals("1.0.0", deleted.header("Tus-Resumable"));
        assertEquals(404, tus.head(path, farmer).status());
        assertEquals(404, tus.patch(path, farmer, 20_000, new byte[10]).status());
        assertEquals(404, tus.delete(path, farmer).status());
        assertTrue(app.uploads().find(idOf(path)).isEmpty());
        assertEquals(0, stored(path).length, "its bytes are gone too");
    }

    @Test
    void anotherUsersUploadIsNotFound() throws Exception {
        String owner = api.farmer("F-tus-owner");
        String other = api.farmer("F-tus-other");
        String admin = api.admin("A-tus");
        String sameIdAdmin = api.admin("F-tus-owner"); // an admin whose id equals the farmer's: another person
        byte[] photo = jpeg(10_000, 4);
        String path = tus.created(owner, photo.length, "mine.jpg");
        for (String stranger : new String[] {other, admin, sameIdAdmin}) {
            assertEquals(404, tus.head(path, stranger).status());
            Api.Answer patch = tus.patch(path, stranger, 0, photo);
            assertEquals(404, patch.status(), patch.toString());
            assertTrue(patch.response().headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertEquals(404, tus.delete(path, stranger).status());
        }
        assertEquals(401, tus.head(path, null).status());
        assertEquals("0", tus.head(path, owner).header("Upload-Offset"), "nothing changed");
        assertEquals(204, tus.patch(path, owner, 0, photo).status());
    }

    @Test
    void aWrongOffsetIs409AndChangesNothing() throws Exception {
        String farmer = api.farmer("F-tus-409");
        byte[] photo = pdf(30_000, 5);
        String path = tus.created(farmer, photo.length, "a.jpg");
        assertEquals(204, tus.patch(path, farmer, 0, Arrays.copyOf(photo, 10_000)).status());
        Api.Answer wrong = tus.patch(path, farmer, 5_000, Arrays.copyOfRange(photo, 5_000, 15_000));
        assertEquals(409, wrong.status(), wrong.toString());
        assertEquals("1.0.0", wrong.header("Tus-Resumable"));
        assertEquals("10000", tus.head(path, farmer).header("Upload-Offset"));
        assertEquals(204, tus.patch(path, farmer, 10_000, Arrays.copyOfRange(photo, 10_000, photo.length)).status());
        assertArrayEquals(photo, stored(path));
    }

    @Test
    void aPatchOfOneMebibyteIsTakenAndALargerOneIs413() throws Exception {
        String farmer = api.farmer("F-tus-mib");
        byte[] photo = pdf(3 * 1024 * 1024, 7);
        String path = tus.created(farmer, photo.length, "big.jpg");
        Api.Answer tooBig = tus.patch(path, farmer, 0, Arrays.copyOf(photo, 1024 * 1024 + 1));
        assertEquals(413, tooBig.status(), tooBig.toString());
        assertTrue(tooBig.body().contains("1048576"), tooBig.body());
        assertEquals("1.0.0", tooBig.header("Tus-Resumable"));
        assertEquals("0", tus.head(path, farmer).header("Upload-Offset"), "nothing stored");
        for (int at = 0; at < photo.length; at += 1024 * 1024) {
            Api.Answer a = tus.patch(path, farmer, at, Arrays.copyOfRange(photo, at, at + 1024 * 1024));
            assertEquals(204, a.status(), a.toString());
        }
        assertArrayEquals(photo, stored(path));
    }

    @Test
    void largerThanTheLimitIs413AtCreation() {
        String farmer = api.farmer("F-tus-413");
        Api.Answer a = tus.create(farmer, 10L * 1024 * 1024 + 1, "big.jpg", "image/jpeg");
        assertEquals(413, a.status(), a.toString());
        assertEquals("1.0.0", a.header("Tus-Resumable"));
        assertEquals(201, tus.create(farmer, 10L * 1024 * 1024, "ok.jpg", "image/jpeg").status());
    }

    @Test
    void svgAndHtmlRenamedJpgAre415AndDiscarded() {
        String farmer = api.farmer("F-tus-415");
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        String html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
        for (String content : new String[] {svg, html}) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            String path = tus.created(farmer, bytes.length, "photo.jpg");
            // the first part is taken: the type is known only when the upload completes
            assertEquals(204, tus.patch(path, farmer, 0, Arrays.copyOf(bytes, 10)).status());
            Api.Answer last = tus.patch(path, farmer, 10, Arrays.copyOfRange(bytes, 10, bytes.length));
            assertEquals(415, last.status(), last.toString());
            assertTrue(last.response().headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertEquals("1.0.0", last.header("Tus-Resumable"));
            assertEquals(404, tus.head(path, farmer).status(), "discarded");
            assertTrue(app.uploads().find(idOf(path)).isEmpty());
        }
    }

    @Test
    void pngWebpAndPdfAreAccepted() throws Exception {
        String farmer = api.farmer("F-tus-types");
        byte[] png = TestImages.encode(TestImages.redCorner(8, 8), "png");
        // a WebP is stored as JPEG (no transparency) or PNG (ImageCleaningTest)
        byte[] webp = readResource("photo-lossy-exif6.webp");
        byte[] pdf = "%PDF-1.7\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1);
        String[] types = {"image/png", "image/jpeg", "application/pdf"};
        byte[][] files = {png, webp, pdf};
        for (int i = 0; i < files.length; i++) {
            String path = tus.created(farmer, files[i].length, "f");
            assertEquals(204, tus.patch(path, farmer, 0, files[i]).status());
            assertEquals(types[i], app.uploads().find(idOf(path)).orElseThrow().contentType());
        }
    }

    private static byte[] readResource(String name) throws Exception {
        try (InputStream in = TusUploadsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aMissingOrOtherTusVersionIs412() {
        String farmer = api.farmer("F-tus-412");
        Api.Answer none = tus.send("POST", "/api/uploads", farmer, null, "Upload-Length", "10");
        assertEquals(412, none.status(), none.toString());
        assertEquals("1.0.0", none.header("Tus-Version"));
        assertEquals("1.0.0", none.header("Tus-Resumable"));
        Api.Answer old = tus.send("POST", "/api/uploads", farmer, null, "Tus-Resumable", "0.2.2", "Upload-Length", "10");
        assertEquals(412, old.status(), old.toString());
        String path = tus.created(farmer, 10, "a.jpg");
        assertEquals(412, tus.send("HEAD", path, farmer, null).status());
        assertEquals(412, tus.send("DELETE", path, farmer, null).status());
        assertEquals("0", tus.head(path, farmer).header("Upload-Offset"));
    }

    @Test
    void badHeadersAre400NeverA500() {
        String farmer = api.farmer("F-tus-bad");
        for (String length : new String[] {"-1", "abc", "", "99999999999999999999999", "1.5", "0x10", "0"}) {
            Api.Answer a = tus.send("POST", "/api/uploads", farmer, null, "Tus-Resumable", "1.0.0", "Upload-Length", length);
            assertEquals(400, a.status(), "Upload-Length '" + length + "': " + a);
            assertTrue(a.response().headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
        Api.Answer noLength = tus.send("POST", "/api/uploads", farmer, null, "Tus-Resumable", "1.0.0");
        assertEquals(400, noLength.status(), noLength.toString());
        for (String metadata : new String[] {"filename !!notbase64!!", "filename a b c", " ,", "filename "
                + java.util.Base64.getEncoder().encodeToString("x".repeat(300).getBytes(StandardCharsets.UTF_8))}) {
            Api.Answer a = tus.send("POST", "/api/uploads", farmer, null, "Tus-Resumable", "1.0.0",
                    "Upload-Length", "10", "Upload-Metadata", metadata);
            assertEquals(400, a.status(), "Upload-Metadata '" + metadata + "': " + a);
        }
        String path = tus.created(farmer, 20, "a.jpg");
        for (String offset : new String[] {"-5", "x", "", "99999999999999999999999"}) {
            Api.Answer a = tus.send("PATCH", path, farmer, new byte[5], "Tus-Resumable", "1.0.0",
                    "Upload-Offset", offset, "Content-Type", "application/offset+octet-stream");
            assertEquals(400, a.status(), "Upload-Offset '" + offset + "': " + a);
        }
        Api.Answer noType = tus.send("PATCH", path, farmer, new byte[5], "Tus-Resumable", "1.0.0", "Upload-Offset", "0");
        assertEquals(415, noType.status(), noType.toString());
        Api.Answer tooLong = tus.patch(path, farmer, 0, new byte[21]);
        assertEquals(400, tooLong.status(), tooLong.toString());
        assertEquals(404, tus.head("/api/uploads/nope", farmer).status());
        assertEquals(404, tus.head("/api/uploads/%27%20OR%201%3D1", farmer).status());
        assertEquals("0", tus.head(path, farmer).header("Upload-Offset"), "nothing changed");
    }

    @Test
    void unfinishedUploadsExpireAndAreRemoved(Servers servers) throws Exception {
        Farmdesk shortLived = servers.start(s -> s.uploadExpiry(Duration.ofSeconds(1)).pruneEvery(Duration.ofMillis(100)));
        Api l = new Api(shortLived.port());
        Tus t = new Tus(l.base());
        String farmer = l.farmer("F-tus-expiry");
        byte[] photo = jpeg(20_000, 6);
        String unfinished = t.created(farmer, photo.length, "half.jpg");
        assertEquals(204, t.patch(unfinished, farmer, 0, Arrays.copyOf(photo, 5_000)).status());
        String finished = t.created(farmer, photo.length, "whole.jpg");
        assertEquals(204, t.patch(finished, farmer, 0, photo).status());

        for (int i = 0; i < 300 && shortLived.uploads().find(idOf(unfinished)).isPresent(); i++) {
            Thread.sleep(50);
        }
        assertTrue(shortLived.uploads().find(idOf(unfinished)).isEmpty(), "the sweep removed the unfinished upload");
        try (InputStream in = shortLived.uploads().read(idOf(unfinished))) {
            assertEquals(0, in.readAllBytes().length, "and its bytes");
        }
        assertEquals(404, t.head(unfinished, farmer).status());
        assertEquals(200, t.head(finished, farmer).status(), "a complete upload does not expire");
    }

    @Test
    void aTusClientOnAListedOriginMayResumeAndReadTheOffset(Servers servers) {
        String origin = "https://market.example";
        Farmdesk cors = servers.start(s -> s.corsOrigins(java.util.List.of(origin)));
        Api l = new Api(cors.port());
        Tus t = new Tus(l.base());
        Api.Answer pre = t.send("OPTIONS", "/api/uploads/x", null, null, "Origin", origin,
                "Access-Control-Request-Method", "PATCH",
                "Access-Control-Request-Headers", "tus-resumable, upload-offset, content-type, authorization");
        assertEquals(204, pre.status(), pre.toString());
        String allowed = pre.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT);
        for (String h : new String[] {"tus-resumable", "upload-length", "upload-offset", "upload-metadata"}) {
            assertTrue(allowed.contains(h), h + " in " + allowed);
        }
        assertTrue(pre.header("Access-Control-Allow-Methods").contains("HEAD"), pre.toString());
        assertTrue(pre.header("Access-Control-Allow-Methods").contains("DELETE"), pre.toString());
        String farmer = l.farmer("F-tus-cors");
        String path = t.created(farmer, 10, "a.jpg");
        Api.Answer head = t.send("HEAD", path, farmer, null, "Tus-Resumable", "1.0.0", "Origin", origin);
        String exposed = head.header("Access-Control-Expose-Headers");
        assertNotNull(exposed, head.toString());
        for (String h : new String[] {"Upload-Offset", "Upload-Length", "Tus-Resumable", "Location", "Upload-Expires"}) {
            assertTrue(exposed.contains(h), h + " in " + exposed);
        }
    }

    @Test
    void creatingUploadsCountsAgainstThePostingRate(Servers servers) {
        Farmdesk limited = servers.start(s -> s.rateLimit(1));
        Api l = new Api(limited.port());
        Tus t = new Tus(l.base());
        String farmer = l.farmer("F-tus-rate");
        Api.Answer refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            Api.Answer a = t.create(farmer, 10, "a.jpg", "image/jpeg");
            if (a.status() == 429) {
                refused = a;
            } else {
                assertEquals(201, a.status(), a.toString());
            }
        }
        assertNotNull(refused, "no 429 after 200 uploads at 1 per second");
        assertNotNull(refused.header("Retry-After"));
        assertEquals("1.0.0", refused.header("Tus-Resumable"));
    }
}
