import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 10, item 5: how much heap a few farmers can pin by posting the largest messages the API takes,
 * within the rate limit (JDK only, single file, Java 21+):
 *
 * <pre>
 *   java HeapGrowth.java http://127.0.0.1:8080 [farmers=5] [seconds=14] [perSecond=19]
 * </pre>
 *
 * Each farmer (dev login) opens a ticket, then posts a 4,000 x U+0001 message (6 bytes each once escaped
 * in JSON) perSecond times a second for the given seconds. Prints the answers by status. Measure the
 * server's heap around it, e.g. {@code jcmd PID GC.run; jcmd PID GC.heap_info} before and after.
 */
public class HeapGrowth {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        int farmers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 14;
        int perSecond = args.length > 3 ? Integer.parseInt(args[3]) : 19;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String text = "\\u0001".repeat(4000);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int f = 0; f < farmers; f++) {
            String token = field(post(http, base, "/api/dev/token", null,
                    "{\"role\":\"farmer\",\"id\":\"F-heap-" + f + "\",\"name\":\"Heap " + f + "\"}").body(), "token");
            String ticket = field(post(http, base, "/api/tickets", token,
                    "{\"subject\":\"heap\",\"text\":\"start\"}").body(), "id");
            threads.add(Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                long periodNanos = 1_000_000_000L / perSecond;
                for (long i = 0; i < (long) seconds * perSecond; i++) {
                    long due = start + i * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        sleep(wait / 1_000_000);
                    }
                    try {
                        int status = post(http, base, "/api/tickets/" + ticket + "/messages", token,
                                "{\"text\":\"" + text + "\"}").statusCode();
                        (status == 201 ? created : other).incrementAndGet();
                    } catch (Exception e) {
                        other.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("RESULT farmers=" + farmers + " seconds=" + seconds + " perSecond=" + perSecond
                + " created=" + created + " other=" + other);
    }

    private static HttpResponse<String> post(HttpClient http, URI base, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
