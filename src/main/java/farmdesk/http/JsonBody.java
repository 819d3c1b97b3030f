package farmdesk.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;

import farmdesk.Json;
import farmdesk.Refused;

/**
 * A JSON object request body, read with a size limit, and typed access to its fields with errors a
 * person can act on. Unknown fields are ignored.
 */
public final class JsonBody {

    static final int MAX_BYTES = 64 * 1024;

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    /** The body as a JSON object; 413 above 64 KiB, 400 when it is not a JSON object. */
    public static JsonBody read(ServerRequest req) {
        return parse(bytes(req), false);
    }

    /** Like {@link #read}, but an empty body is an empty object. */
    public static JsonBody readOptional(ServerRequest req) {
        return parse(bytes(req), true);
    }

    private static JsonBody parse(byte[] bytes, boolean emptyIsObject) {
        if (bytes.length == 0 || isBlank(bytes)) {
            if (emptyIsObject) {
                return new JsonBody(Json.emptyObject());
            }
            throw Refused.invalid("the request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = Json.read(bytes);
        } catch (IOException e) {
            throw Refused.invalid("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw Refused.invalid("the request body must be a JSON object");
        }
        return new JsonBody(node);
    }

    private static byte[] bytes(ServerRequest req) {
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw unreadable(e, req.headers().contains(HeaderNames.TRANSFER_ENCODING));
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge();
        }
        return bytes;
    }

    /**
     * Helidon decodes the body while we read it, so what a client got wrong in the framing surfaces here
     * as an exception: a chunk-size line it cannot parse (a chunk extension {@code 2;a=b}, which Helidon
     * 4.5 does not support, a size that is not hex or beyond 2^31), a line ending in LF alone, a stream
     * that ends before the body does (the client went away). None is a server fault: 400, no stack trace,
     * and the connection closes, since where the next request would start is unknown.
     */
    private static Refused unreadable(Exception e, boolean chunked) {
        if (e instanceof RequestException re && re.status().code() == 413) {
            return Refused.tooLarge("the request body must be at most " + MAX_BYTES + " bytes").endingConnection();
        }
        if (e instanceof DataReader.InsufficientDataAvailableException || e instanceof IOException
                || e instanceof UncheckedIOException || e instanceof ServerConnectionException) {
            return Refused.invalid("the request body ended before it was complete (connection closed)")
                    .endingConnection();
        }
        return Refused.invalid(chunked ? "the request body is not valid chunked transfer coding (RFC 9112 7.1;"
                + " chunk extensions are not supported)" : "the request body could not be read").endingConnection();
    }

    private static Refused tooLarge() {
        // the connection stays open: the server then reads the rest of the body (up to its own larger
        // limit), and the client receives this answer instead of a reset connection
        return Refused.tooLarge("the request body must be at most " + MAX_BYTES + " bytes");
    }

    /** A string field; null when absent or JSON null; 400 for any other type. */
    public String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw Refused.invalid(field + " must be a string");
        }
        return v.textValue();
    }

    /** A required object field (e.g. a PushSubscription's {@code keys}); 400 when absent or not an object. */
    public JsonBody object(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw Refused.invalid(field + " must be an object");
        }
        return new JsonBody(v);
    }

    /** A required string field. */
    public String requiredString(String field) {
        String v = string(field);
        if (v == null) {
            throw Refused.invalid(field + " is required");
        }
        return v;
    }

    /** An array of strings; null when absent or JSON null; 400 for anything else (a non-string element too). */
    public List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw Refused.invalid(field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw Refused.invalid(field + "[" + i + "] must be a string");
            }
            values.add(v.get(i).textValue());
        }
        return values;
    }

    public boolean has(String field) {
        return node.has(field);
    }

    /** A boolean field; {@code fallback} when absent or null; 400 for any other type. */
    public boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw Refused.invalid(field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** A required positive whole number that fits a 64-bit id. */
    public long requiredId(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw Refused.invalid(field + " is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1) {
            throw Refused.invalid(field + " must be a positive whole number");
        }
        return v.longValue();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
