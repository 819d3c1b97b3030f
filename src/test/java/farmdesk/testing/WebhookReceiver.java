package farmdesk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on a free loopback port (the JDK's HTTP server): records every request (headers and
 * raw body, for {@link NodeWebhookVerifier}) and answers 204, or the statuses queued with
 * {@link #answerNext}. {@link #stop()} and {@link #start()} take it down and bring it back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Request(Map<String, String> headers, String body, int answered, java.time.Instant receivedAt) {
        public String id() {
            return headers.get("webhook-id");
        }
    }

    private final int port;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();
    private HttpServer server;
    private volatile long delayMillis;

    private WebhookReceiver(int port) {
        this.port = port;
    }

    public static WebhookReceiver start(String path) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebhookReceiver r = new WebhookReceiver(port);
        r.start();
        return r;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            java.time.Instant receivedAt = java.time.Instant.now();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.getFirst()));
            headers.put(":path", exchange.getRequestURI().getPath()); // which endpoint was called
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis); // a slow receiver: a kill finds events still to deliver
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status;
            synchronized (this) {
                Integer next = answers.poll();
                status = next != null ? next : 204;
                requests.add(new Request(headers, new String(body, StandardCharsets.UTF_8), status, receivedAt));
                notifyAll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Down: connections are refused until {@link #start()}. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Each request is answered only after this pause (a slow receiver). */
    public void delayEach(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** The next requests are answered with these statuses, in order. */
    public synchronized void answerNext(Integer... statuses) {
        answers.addAll(List.of(statuses));
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx. */
    public synchronized List<Request> accepted() {
        return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    /** Waits (bounded) until the requests so far match; returns them. */
    public synchronized List<Request> awaitRequests(Predicate<List<Request>> done, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.test(requests)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the receiver did not get what was awaited within " + within + "; it got "
                        + requests.size() + " requests: " + requests.stream().map(r -> r.id() + "->" + r.answered()).toList());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(requests);
    }

    /**
     * Waits until at least {@code count} different events (webhook-ids) were answered 2xx (at least once:
     * a request cut by {@link #stop()} after it was recorded comes again); returns every request so far.
     */
    public List<Request> awaitAccepted(int count, Duration within) throws InterruptedException {
        return awaitRequests(all -> all.stream().filter(r -> r.answered() / 100 == 2).map(Request::id).distinct().count() >= count,
                within);
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
