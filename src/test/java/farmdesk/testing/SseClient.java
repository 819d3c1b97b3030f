package farmdesk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real SSE client for tests: opens a stream over HTTP, parses the wire format per the HTML
 * specification (fields, comments, multi-line data, blank-line dispatch) on its own thread.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched event. {@code id} is null when the event had no id line. */
    public record Event(String id, String type, String data) {

        public long numericId() {
            return Long.parseLong(id);
        }

        public JsonNode json() {
            return Api.parse(data);
        }
    }

    private static final Event END = new Event(null, "<end>", "");

    private final HttpResponse<InputStream> response;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new ArrayList<>();
    private final Thread reader;
    private volatile String retry;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        // a refused stream keeps its body for errorBody(); only a stream is parsed
        this.reader = response.statusCode() == 200 ? Thread.ofVirtual().start(this::read) : null;
        if (reader == null) {
            ended = true;
            events.add(END);
        }
    }

    /** Opens {@code path}; returns once the response headers arrived. {@code headers}: name, value pairs. */
    public static SseClient open(URI base, String path, String token, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            return new SseClient(http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new AssertionError("cannot open " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads a stream a test opened with a client of its own (e.g. HTTP/2 over TLS). */
    public static SseClient of(HttpResponse<InputStream> response) {
        return new SseClient(response);
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The body of a refused stream (problem+json). */
    public String errorBody() throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The next event, waiting up to {@code timeout}; null when none came or the stream ended. */
    public Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == END) {
            events.add(END); // stays ended
            return null;
        }
        return e;
    }

    /** The next event, which must come within 10 s. */
    public Event next() throws InterruptedException {
        Event e = next(Duration.ofSeconds(10));
        if (e == null) {
            throw new AssertionError("no event within 10 s (ended: " + ended + ")");
        }
        return e;
    }

    /** Waits until the server ends the stream (or the timeout passes); returns whether it ended. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        if (reader != null) {
            reader.join(timeout);
        }
        return ended;
    }

    public boolean ended() {
        return ended;
    }

    public String retry() {
        return retry;
    }

    public synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            SseParser parser = new SseParser();
            String line;
            while ((line = in.readLine()) != null) {
                Event e = parser.line(line);
                if (e != null) {
                    events.add(e);
                } else if (parser.comment() != null) {
                    synchronized (this) {
                        comments.add(parser.comment());
                    }
                }
                retry = parser.retry();
            }
        } catch (IOException e) {
            // closed by us or by the server
        } finally {
            ended = true;
            events.add(END);
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already closed
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
