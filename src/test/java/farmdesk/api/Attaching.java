package farmdesk.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.uploads.Tus;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the attachment tests share: files whose type the server accepts, uploaded by tus, and message bodies. */
final class Attaching {

    private Attaching() {
    }

    /**
     * A real JPEG of {@code width} x {@code height} noise pixels (noise barely compresses: about 1.5 bytes a
     * pixel), so that it stays a JPEG when the server decodes and cleans it.
     */
    static byte[] jpeg(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(long seed) {
        return jpeg(40, 30, seed);
    }

    static byte[] pdf() {
        return "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A complete upload of {@code bytes} by the token's user; its id. */
    static String upload(Api api, String token, byte[] bytes, String filename) {
        return new Tus(api.base()).uploaded(token, bytes, filename);
    }

    /** {@code {"text":...,"attachments":[ids]}}; text null: left out. */
    static String body(String text, String... ids) {
        String list = Arrays.stream(ids).map(Api::quote).collect(Collectors.joining(",", "[", "]"));
        return "{" + (text == null ? "" : "\"text\":" + Api.quote(text) + ",") + "\"attachments\":" + list + "}";
    }

    /** The bytes the server stores for an upload (cleaned, once images are cleaned): what downloads serve. */
    static byte[] stored(Farmdesk app, String id) {
        try (InputStream in = app.uploads().read(id)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the attachment JSON of the contract for an upload of {@code size} bytes. */
    static void assertAttachment(JsonNode a, String id, String name, String type, long size) {
        assertEquals(id, a.get("id").asText(), a.toString());
        assertEquals(name, a.get("name").asText(), a.toString());
        assertEquals(type, a.get("contentType").asText(), a.toString());
        assertEquals(size, a.get("size").asLong(), a.toString());
        assertEquals("/api/attachments/" + id, a.get("url").asText(), a.toString());
        if (type.equals("application/pdf")) {
            ApiAsserts.assertNullPresent(a, "thumbnailUrl");
        } else {
            assertEquals("/api/attachments/" + id + "/thumbnail", a.get("thumbnailUrl").asText(), a.toString());
        }
        // the image size is known once the images are cleaned; the keys are there from the start
        assertEquals(true, a.has("width") && a.has("height"), a.toString());
    }
}
