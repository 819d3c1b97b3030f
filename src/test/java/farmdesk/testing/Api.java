package farmdesk.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for tests: real requests to a real port, JSON answers as trees. */
public final class Api {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(int port) {
        this.base = URI.create("http://localhost:" + port);
    }

    public URI base() {
        return base;
    }

    /** The answer of one request. */
    public record Answer(int status, HttpResponse<String> response) {

        public String body() {
            return response.body();
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + response.body(), e);
            }
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    /** A token from the dev login. */
    public String token(String role, String id, String name) {
        Answer a = send("POST", "/api/dev/token", null,
                "{\"role\":\"" + role + "\",\"id\":\"" + id + "\",\"name\":\"" + name + "\"}");
        if (a.status() != 200) {
            throw new AssertionError("dev login failed: " + a);
        }
        return a.json().get("token").asText();
    }

    public String farmer(String id) {
        return token("farmer", id, "Farmer " + id);
    }

    public String admin(String id) {
        return token("admin", id, "Admin " + id);
    }

    /**
     * An admin's token, already used once on the API: the service then knows the admin (a ticket's
     * assignee must be a known admin, docs/api.md "Admins").
     */
    public String signedInAdmin(String id, String name) {
        String token = token("admin", id, name);
        Answer a = get("/api/admins", token);
        if (a.status() != 200) {
            throw new AssertionError("GET /api/admins failed: " + a);
        }
        return token;
    }

    public Answer get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Answer post(String path, String token, String json) {
        return send("POST", path, token, json);
    }

    public Answer patch(String path, String token, String json) {
        return send("PATCH", path, token, json);
    }

    /** Creates a ticket and returns its id (asserts 201). */
    public String createTicket(String farmerToken, String subject, String text) {
        Answer a = post("/api/tickets", farmerToken, "{\"subject\":" + quote(subject) + ",\"text\":" + quote(text) + "}");
        if (a.status() != 201) {
            throw new AssertionError("create ticket failed: " + a);
        }
        return a.json().get("id").asText();
    }

    /** Posts a message and returns its JSON (asserts 201). */
    public JsonNode postMessage(String token, String ticketId, String text) {
        Answer a = post("/api/tickets/" + ticketId + "/messages", token, "{\"text\":" + quote(text) + "}");
        if (a.status() != 201) {
            throw new AssertionError("post failed: " + a);
        }
        return a.json();
    }

    public Answer send(String method, String path, String token, String body) {
        return send(method, path, token, body, null);
    }

    public Answer send(String method, String path, String token, String body, String[] headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers != null) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return exchange(method, path, b);
    }

    /**
     * A request with a body of bytes (or none) and only the headers given ({@code name, value} pairs): no
     * Content-Type is added. For uploads and downloads.
     */
    public Answer sendBytes(String method, String path, String token, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return exchange(method, path, b);
    }

    /** The body as bytes (a download), with the status and headers. */
    public HttpResponse<byte[]> download(String path, String token, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Answer exchange(String method, String path, HttpRequest.Builder b) {
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

    public static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
