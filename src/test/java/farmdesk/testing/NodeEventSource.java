package farmdesk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A third-party EventSource, the npm {@code eventsource} package (WHATWG rules: reconnects with
 * Last-Event-ID after a 200 stream ends, gives up for good on any other status), run by Node from
 * web-tests/eventsource-client.mjs. Each thing it sees (open, error, event, closed) comes as one JSON line.
 */
public final class NodeEventSource implements AutoCloseable {

    private static final Path SCRIPT = Path.of("web-tests/eventsource-client.mjs");

    private final Process node;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private NodeEventSource(Process node) {
        this.node = node;
        Thread reader = new Thread(this::readLines, "eventsource-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens an EventSource on {@code url} (a stream token in it: an EventSource sets no headers). */
    public static NodeEventSource open(String url) throws IOException {
        WebTestsNpm.installFor("eventsource");
        Process node = new ProcessBuilder("node", SCRIPT.toString(), url)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::destroyForcibly));
        return new NodeEventSource(node);
    }

    /** The next line with this {@code kind} ("open", "error", "event", "closed"), skipping others. */
    public JsonNode next(String kind, Duration within) throws InterruptedException {
        return next(line -> kind.equals(line.path("kind").asText()), within, "a line of kind " + kind);
    }

    /** The next event of this SSE type, skipping other lines; fails if the EventSource gave up first. */
    public JsonNode nextEvent(String type, Duration within) throws InterruptedException {
        return next(line -> "event".equals(line.path("kind").asText()) && type.equals(line.path("type").asText()),
                within, "an event " + type);
    }

    private JsonNode next(Predicate<JsonNode> wanted, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            JsonNode line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no " + what + " within " + within + "; the client saw:\n" + seen());
            }
            if (wanted.test(line)) {
                return line;
            }
            if ("closed".equals(line.path("kind").asText())) {
                throw new AssertionError("the EventSource gave up (readyState CLOSED) waiting for " + what
                        + "; the client saw:\n" + seen());
            }
        }
    }

    /** Drops the lines not read yet: what comes next happened after this call. */
    public void forgetSeen() {
        lines.clear();
    }

    /** Everything the client printed so far, for failure messages. */
    public synchronized String seen() {
        return seen.toString();
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (this) {
                    seen.append(line).append('\n');
                }
                lines.add(Api.parse(line));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Closes its standard input: the script closes the EventSource and exits. */
    @Override
    public void close() throws IOException, InterruptedException {
        node.getOutputStream().close();
        if (!node.waitFor(5, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }
}
