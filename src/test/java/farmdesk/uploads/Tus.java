package farmdesk.uploads;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import farmdesk.testing.Api;

/** A minimal tus 1.0.0 client for the tests: raw requests (Api's), every header under the test's control. */
public final class Tus {

    private final Api api;

    public Tus(URI base) {
        this.api = new Api(base.getPort());
    }

    static String metadata(String filename, String filetype) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "filename " + b64.encodeToString(filename.getBytes(StandardCharsets.UTF_8))
                + ",filetype " + b64.encodeToString(filetype.getBytes(StandardCharsets.UTF_8));
    }

    /** POST /api/uploads with Tus-Resumable, Upload-Length and Upload-Metadata. */
    public Api.Answer create(String token, long length, String filename, String filetype) {
        return send("POST", "/api/uploads", token, null, "Tus-Resumable", "1.0.0",
                "Upload-Length", Long.toString(length), "Upload-Metadata", metadata(filename, filetype));
    }

    /** Creates and returns the upload's path (asserts 201). */
    public String created(String token, long length, String filename) {
        Api.Answer a = create(token, length, filename, "image/jpeg");
        if (a.status() != 201) {
            throw new AssertionError("creation failed: " + a);
        }
        return URI.create(a.header("Location")).getPath();
    }

    /** Creates, uploads {@code bytes} in one PATCH and returns the upload's id (asserts 201 and 204). */
    public String uploaded(String token, byte[] bytes, String filename) {
        String path = created(token, bytes.length, filename);
        Api.Answer a = patch(path, token, 0, bytes);
        if (a.status() != 204) {
            throw new AssertionError("upload failed: " + a);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public Api.Answer patch(String path, String token, long offset, byte[] body) {
        return send("PATCH", path, token, body, "Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(offset),
                "Content-Type", "application/offset+octet-stream");
    }

    public Api.Answer head(String path, String token) {
        return send("HEAD", path, token, null, "Tus-Resumable", "1.0.0");
    }

    public Api.Answer delete(String path, String token) {
        return send("DELETE", path, token, null, "Tus-Resumable", "1.0.0");
    }

    public Api.Answer send(String method, String path, String token, byte[] body, String... headers) {
        return api.sendBytes(method, path, token, body, headers);
    }
}
