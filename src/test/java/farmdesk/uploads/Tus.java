package farmdesk.uploads;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A minimal tus 1.0.0 client for the tests: raw requests, every header under the test's control. */
final class Tus {

    record Answer(int status, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        String body() {
            return response.body();
        }

        @Override
        public String toString() {
            return status + " " + response.headers().map() + " " + response.body();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    Tus(URI base) {
        this.base = base;
    }

    static String metadata(String filename, String filetype) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "filename " + b64.encodeToString(filename.getBytes(StandardCharsets.UTF_8))
                + ",filetype " + b64.encodeToString(filetype.getBytes(StandardCharsets.UTF_8));
    }

    /** POST /api/uploads with Tus-Resumable, Upload-Length and Upload-Metadata. */
    Answer create(String token, long length, String filename, String filetype) {
        return send("POST", "/api/uploads", token, null, "Tus-Resumable", "1.0.0",
                "Upload-Length", Long.toString(length), "Upload-Metadata", metadata(filename, filetype));
    }

    /** Creates and returns the upload's path (asserts 201). */
    String created(String token, long length, String filename) {
        Answer a = create(token, length, filename, "image/jpeg");
        if (a.status() != 201) {
            throw new AssertionError("creation failed: " + a);
        }
        return URI.create(a.header("Location")).getPath();
    }

    Answer patch(String path, String token, long offset, byte[] body) {
        return send("PATCH", path, token, body, "Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(offset),
                "Content-Type", "application/offset+octet-stream");
    }

    Answer head(String path, String token) {
        return send("HEAD", path, token, null, "Tus-Resumable", "1.0.0");
    }

    Answer delete(String path, String token) {
        return send("DELETE", path, token, null, "Tus-Resumable", "1.0.0");
    }

    Answer send(String method, String path, String token, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        List<String> h = new ArrayList<>(List.of(headers));
        if (!h.isEmpty()) {
            b.headers(h.toArray(String[]::new));
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
