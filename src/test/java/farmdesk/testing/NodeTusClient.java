package farmdesk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reference tus client, the npm {@code tus-js-client} package, run by Node from web-tests/tus-client.mjs
 * with one plan ("cut-and-resume", "terminate"; see the script). What it does (request, response, retry,
 * interrupted, previous, success, terminated, stored, error) comes as one JSON line each.
 */
public final class NodeTusClient implements AutoCloseable {

    private static final Path SCRIPT = Path.of("web-tests/tus-client.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new ArrayList<>();

    private NodeTusClient(Process node) {
        this.node = node;
        Thread reader = new Thread(this::readLines, "tus-client");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the script.
     *
     * @param endpoint the creation URL, e.g. http://127.0.0.1:PORT/api/uploads
     * @param storage the file where tus-js-client keeps upload URLs (FileUrlStorage)
     */
    public static NodeTusClient start(String plan, String endpoint, String token, Path file, Path storage) throws IOException {
        WebTestsNpm.installFor("tus-js-client");
        ObjectNode cfg = JSON.createObjectNode()
                .put("plan", plan).put("endpoint", endpoint).put("token", token)
                .put("file", file.toString()).put("storage", storage.toString()).put("chunkSize", 1048576);
        Process node = new ProcessBuilder("node", SCRIPT.toString(), cfg.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::destroyForcibly));
        return new NodeTusClient(node);
    }

    /** The next line of this kind, skipping others; fails on an "error" line or when the script ends first. */
    public JsonNode next(String kind, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            JsonNode line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line of kind " + kind + " within " + within + "; tus-js-client did:\n" + seen());
            }
            String got = line.path("kind").asText();
            if (kind.equals(got)) {
                return line;
            }
            if ("error".equals(got) || "exit".equals(got)) {
                throw new AssertionError("tus-js-client failed waiting for " + kind + ": " + line + "; it did:\n" + seen());
            }
        }
    }

    /** Lets the script go on past a pause (it waits for a line on standard input). */
    public void proceed() throws IOException {
        OutputStream in = node.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Every line so far, for assertions on what the client sent. */
    public synchronized List<JsonNode> seenLines() {
        return List.copyOf(all);
    }

    /** Every line so far, one a line, for failure messages. */
    public synchronized String seen() {
        StringBuilder out = new StringBuilder();
        all.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode parsed = Api.parse(line);
                synchronized (this) {
                    all.add(parsed);
                }
                lines.add(parsed);
            }
        } catch (IOException e) {
            // the process ended
        }
        lines.add(JSON.createObjectNode().put("kind", "exit"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        node.getOutputStream().close();
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }
}
