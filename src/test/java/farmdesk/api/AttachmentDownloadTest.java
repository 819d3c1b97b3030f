package farmdesk.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.LogCapture;
import farmdesk.testing.Servers;
import farmdesk.uploads.Tus;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.messagesPath;
import static farmdesk.api.Attaching.body;
import static farmdesk.api.Attaching.jpeg;
import static farmdesk.api.Attaching.stored;
import static farmdesk.api.Attaching.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /api/attachments/{id} (docs/api.md, "Attachments"): the stored bytes with the headers that keep a
 * browser from doing anything but show or save them, a hostile file name made safe, byte ranges (206 exact
 * bytes, across stored pieces; 416), conditional requests, and {@code ?access_token=} (session or stream
 * token, never logged). H2 and PostgreSQL.
 */
class AttachmentDownloadTest extends TicketsContractBase {

    private static final Logger ACCESS = Logger.getLogger("farmdesk.access");
    private static Level accessLevel;

    private Farmdesk app;

    @BeforeAll
    void app(Farmdesk app) {
        this.app = app;
        accessLevel = ACCESS.getLevel();
        ACCESS.setLevel(Level.INFO); // the test logging configuration turns the access log off
    }

    @AfterAll
    static void accessLogAsConfigured() {
        ACCESS.setLevel(accessLevel);
    }

    /** A farmer's ticket with a message carrying an upload of {@code bytes}; the upload's id. */
    private String attached(String farmer, byte[] bytes, String filename) {
        String ticket = api.createTicket(farmer, "s", "t");
        String id = upload(api, farmer, bytes, filename);
        assertJson(api.post(messagesPath(ticket), farmer, body("photo", id)), 201);
        return id;
    }

    @Test
    void theFileIsServedWithHeadersThatLetABrowserOnlyShowIt() {
        String farmer = api.farmer(uniqueFarmer());
        String id = attached(farmer, jpeg(60), "a\"b\r\nX: y/../\u00e9.jpg");
        HttpResponse<byte[]> r = api.download("/api/attachments/" + id, farmer, "Accept-Encoding", "gzip");
        assertEquals(200, r.statusCode());
        assertArrayEquals(stored(app, id), r.body());
        assertEquals("image/jpeg", header(r, "Content-Type"));
        assertEquals(Integer.toString(r.body().length), header(r, "Content-Length"));
        assertEquals("nosniff", header(r, "X-Content-Type-Options"));
        assertEquals("default-src 'none'; sandbox", header(r, "Content-Security-Policy"));
        assertEquals("inline; filename=\"a_b__X: y_.._\u005f.jpg\"; filename*=UTF-8''a_b__X%3A%20y_.._%C3%A9.jpg",
                header(r, "Content-Disposition"));
        assertEquals(1, r.headers().allValues("Content-Disposition").size());
        assertNull(header(r, "X"), "no header injected by the name");
        assertEquals("private, max-age=31536000, immutable", header(r, "Cache-Control"));
        assertEquals("\"" + id + "\"", header(r, "ETag"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertNull(header(r, "Content-Encoding"), "never gzip: offsets of ranges are the file's");

        HttpResponse<byte[]> again = api.download("/api/attachments/" + id, farmer, "If-None-Match", "\"" + id + "\"");
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
    }

    @Test
    void theThumbnailOfAnAttachedPhotoIsAJpegOfAtMost320Pixels() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String id = attached(farmer, jpeg(900, 600, 64), "wide.jpg");
        String portrait = attached(farmer, jpeg(200, 500, 65), "tall.jpg");
        for (String photo : new String[] {id, portrait}) {
            HttpResponse<byte[]> r = api.download("/api/attachments/" + photo + "/thumbnail", farmer);
            assertEquals(200, r.statusCode());
            assertEquals("image/jpeg", header(r, "Content-Type"));
            assertEquals("nosniff", header(r, "X-Content-Type-Options"));
            assertEquals("default-src 'none'; sandbox", header(r, "Content-Security-Policy"));
            assertTrue(header(r, "Content-Disposition").startsWith("inline; filename=\""), header(r, "Content-Disposition"));
            assertEquals("private, max-age=31536000, immutable", header(r, "Cache-Control"));
            assertEquals("bytes", header(r, "Accept-Ranges"));
            assertTrue(header(r, "ETag") != null && !header(r, "ETag").equals("\"" + photo + "\""), "not the file's ETag");
            assertArrayEquals(app.uploads().thumbnail(photo).orElseThrow(), r.body());
            assertEquals((byte) 0xFF, r.body()[0]);
            assertEquals((byte) 0xD8, r.body()[1]);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
            assertTrue(Math.max(image.getWidth(), image.getHeight()) <= 320, image.getWidth() + " x " + image.getHeight());
            HttpResponse<byte[]> part = api.download("/api/attachments/" + photo + "/thumbnail", farmer, "Range", "bytes=2-9");
            assertEquals(206, part.statusCode());
            assertArrayEquals(Arrays.copyOfRange(r.body(), 2, 10), part.body());
        }
        BufferedImage wide = ImageIO.read(new ByteArrayInputStream(
                api.download("/api/attachments/" + id + "/thumbnail", farmer).body()));
        assertEquals(320, wide.getWidth(), "the longest side is 320 px");
        assertEquals(213, wide.getHeight(), 1, "in proportion");
    }

    /** HEAD (download managers ask the size and ranges first): a GET's answer without its bytes, same visibility. */
    @Test
    void headAnswersWhatAGetWouldWithoutItsBytes() {
        String farmer = api.farmer(uniqueFarmer());
        String id = attached(farmer, Attaching.pdf(), "note.pdf");
        Api.Answer head = api.sendBytes("HEAD", "/api/attachments/" + id, farmer, null);
        assertEquals(200, head.status(), head.toString());
        assertEquals(Integer.toString(Attaching.pdf().length), head.header("Content-Length"));
        assertEquals("application/pdf", head.header("Content-Type"));
        assertEquals("bytes", head.header("Accept-Ranges"));
        assertEquals("nosniff", head.header("X-Content-Type-Options"));
        assertEquals("default-src 'none'; sandbox", head.header("Content-Security-Policy"));
        assertEquals("", head.body());
        Api.Answer part = api.sendBytes("HEAD", "/api/attachments/" + id, farmer, null, "Range", "bytes=2-5");
        assertEquals(206, part.status(), part.toString());
        assertEquals("bytes 2-5/" + Attaching.pdf().length, part.header("Content-Range"));
        assertEquals(404, api.sendBytes("HEAD", "/api/attachments/" + id, api.farmer(uniqueFarmer()), null).status(),
                "another farmer");
        assertEquals(404, api.sendBytes("HEAD", "/api/attachments/" + id + "/thumbnail", farmer, null).status(),
                "a PDF has no thumbnail");
    }

    @Test
    void aPdfIsSavedNotShownAndHasNoThumbnail() {
        String farmer = api.farmer(uniqueFarmer());
        String id = attached(farmer, Attaching.pdf(), "note.pdf");
        HttpResponse<byte[]> r = api.download("/api/attachments/" + id, farmer);
        assertEquals(200, r.statusCode());
        assertEquals("application/pdf", header(r, "Content-Type"));
        assertEquals("attachment; filename=\"note.pdf\"; filename*=UTF-8''note.pdf", header(r, "Content-Disposition"));
        assertArrayEquals(Attaching.pdf(), r.body(), "a PDF is stored as sent");
        ApiAsserts.assertProblem(api.get("/api/attachments/" + id + "/thumbnail", farmer), 404);
    }

    @Test
    void oneByteRangeIsAnswered206WithExactlyItsBytesAcrossStoredPieces() {
        String farmer = api.farmer(uniqueFarmer());
        byte[] photo = jpeg(1000, 800, 61);
        assertTrue(photo.length > 3 * 256 * 1024 / 2, "several stored pieces: " + photo.length);
        // sent in two PATCHes of odd sizes: the stored pieces are of unequal sizes
        Tus tus = new Tus(api.base());
        String path = tus.created(farmer, photo.length, "big.jpg");
        int cut = 300_001;
        assertEquals(204, tus.patch(path, farmer, 0, Arrays.copyOf(photo, cut)).status());
        assertEquals(204, tus.patch(path, farmer, cut, Arrays.copyOfRange(photo, cut, photo.length)).status());
        String id = path.substring(path.lastIndexOf('/') + 1);
        String ticket = api.createTicket(farmer, "s", "t");
        assertJson(api.post(messagesPath(ticket), farmer, body("big", id)), 201);
        byte[] file = stored(app, id);
        int size = file.length;

        long[][] ranges = {{0, 0}, {10, 99}, {262_140, 262_150}, {cut - 5, cut + 5}, {size - 10, size - 1}, {0, size - 1}};
        for (long[] range : ranges) {
            HttpResponse<byte[]> r = api.download("/api/attachments/" + id, farmer, "Range", "bytes=" + range[0] + "-" + range[1]);
            assertEquals(206, r.statusCode(), Arrays.toString(range));
            assertEquals("bytes " + range[0] + "-" + range[1] + "/" + size, header(r, "Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(file, (int) range[0], (int) range[1] + 1), r.body(), Arrays.toString(range));
            assertEquals(Long.toString(range[1] - range[0] + 1), header(r, "Content-Length"));
        }
        HttpResponse<byte[]> open = api.download("/api/attachments/" + id, farmer, "Range", "bytes=" + (size - 300_000) + "-");
        assertEquals(206, open.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, size - 300_000, size), open.body());
        HttpResponse<byte[]> suffix = api.download("/api/attachments/" + id, farmer, "Range", "bytes=-100");
        assertEquals(206, suffix.statusCode());
        assertEquals("bytes " + (size - 100) + "-" + (size - 1) + "/" + size, header(suffix, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(file, size - 100, size), suffix.body());
        HttpResponse<byte[]> past = api.download("/api/attachments/" + id, farmer, "Range", "bytes=" + (size - 1) + "-" + (size + 500));
        assertEquals(206, past.statusCode(), "a range running past the end is cut to it");
        assertEquals(1, past.body().length);

        HttpResponse<byte[]> unsatisfiable = api.download("/api/attachments/" + id, farmer, "Range", "bytes=" + size + "-");
        assertEquals(416, unsatisfiable.statusCode());
        assertEquals("bytes */" + size, header(unsatisfiable, "Content-Range"));
        assertTrue(header(unsatisfiable, "Content-Type").startsWith("application/problem+json"));

        for (String ignored : new String[] {"bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=x-"}) {
            HttpResponse<byte[]> whole = api.download("/api/attachments/" + id, farmer, "Range", ignored);
            assertEquals(200, whole.statusCode(), ignored + " is ignored: the whole file");
            assertArrayEquals(file, whole.body());
        }
        HttpResponse<byte[]> otherVersion = api.download("/api/attachments/" + id, farmer, "Range", "bytes=0-9",
                "If-Range", "\"something-else\"");
        assertEquals(200, otherVersion.statusCode(), "If-Range of another validator: the whole file");
        HttpResponse<byte[]> sameVersion = api.download("/api/attachments/" + id, farmer, "Range", "bytes=0-9",
                "If-Range", "\"" + id + "\"");
        assertEquals(206, sameVersion.statusCode());
    }

    @Test
    void theTokenMayBeInTheUrlAsSessionOrStreamTokenAndIsNeverLogged() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String id = attached(farmer, jpeg(62), "url.jpg");
        String streamToken = assertJson(api.post("/api/stream-token", farmer, null), 200).get("token").asText();
        try (LogCapture log = LogCapture.start()) {
            for (String token : new String[] {farmer, streamToken}) {
                HttpResponse<byte[]> r = api.download("/api/attachments/" + id + "?access_token=" + q(token), null);
                assertEquals(200, r.statusCode());
                assertArrayEquals(stored(app, id), r.body());
            }
            assertEquals(200, api.download("/api/attachments/" + id, streamToken).statusCode(), "in the header too");
            ApiAsserts.assertProblem(api.get("/api/attachments/" + id + "?access_token=" + q(farmer + "x"), null), 401);
            ApiAsserts.assertProblem(api.get("/api/attachments/" + id + "?access_token=not-a-token", null), 401);
            ApiAsserts.assertProblem(api.get("/api/attachments/" + id, null), 401);
            ApiAsserts.assertProblem(api.get("/api/attachments/" + id + "/thumbnail?access_token=wrong", null), 401);
            boolean logged = false;
            for (LogRecord record : log.records()) {
                String line = String.valueOf(record.getMessage());
                assertFalse(line.contains(farmer) || line.contains(streamToken), "a token reached the log: " + line);
                logged |= line.startsWith("GET /api/attachments/" + id + "?access_token=[redacted]");
            }
            assertTrue(logged, "the access log has the downloads, redacted: " + LogCapture.describe(log.records()));
        }
        // a stream token still opens nothing else
        ApiAsserts.assertProblem(api.get("/api/tickets", streamToken), 401);
    }

    @Test
    void aNotYetCleanedUploadIsServedAtTheSizeItsJsonSays() {
        String farmer = api.farmer(uniqueFarmer());
        String ticket = api.createTicket(farmer, "s", "t");
        String id = upload(api, farmer, jpeg(63), "size.jpg");
        JsonNode m = assertJson(api.post(messagesPath(ticket), farmer, body("x", id)), 201);
        HttpResponse<byte[]> r = api.download(m.at("/attachments/0/url").asText(), farmer);
        assertEquals(m.at("/attachments/0/size").asLong(), r.body().length);
    }

    @Test
    void aPageOnAListedOriginDownloadsInPartsAndReadsWhichPart(Servers servers) {
        String origin = "https://market.example";
        Farmdesk cors = servers.start(s -> s.corsOrigins(java.util.List.of(origin)));
        Api other = new Api(cors.port());
        Api.Answer pre = other.sendBytes("OPTIONS", "/api/attachments/x", null, null, "Origin", origin,
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization, range, if-none-match");
        assertEquals(204, pre.status(), pre.toString());
        String allowed = pre.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT);
        assertTrue(allowed.contains("range") && allowed.contains("if-none-match"), allowed);

        String farmer = other.farmer("F-cors-dl");
        String ticket = other.createTicket(farmer, "s", "t");
        String id = upload(other, farmer, jpeg(66), "cors.jpg");
        assertJson(other.post(messagesPath(ticket), farmer, body("x", id)), 201);
        HttpResponse<byte[]> part = other.download("/api/attachments/" + id, farmer, "Origin", origin, "Range", "bytes=0-9");
        assertEquals(206, part.statusCode());
        assertEquals(origin, header(part, "Access-Control-Allow-Origin"));
        String exposed = header(part, "Access-Control-Expose-Headers");
        for (String h : new String[] {"Content-Range", "Content-Disposition", "Accept-Ranges", "ETag"}) {
            assertTrue(exposed.contains(h), h + " in " + exposed);
        }
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
