package farmdesk.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Answers by what an operator alerts on: {@code farmdesk_http_5xx} (answers with a 5xx status, every path)
 * and {@code farmdesk_http_requests} (a latency histogram per route group: {@code api}, {@code observe},
 * {@code pages}). SSE streams and long-polls are not timed: their duration is how long they were held,
 * not how fast the server answered (their access-log line has it).
 */
public final class HttpMetrics implements AutoCloseable {

    /** Route groups that are timed. */
    static final List<String> GROUPS = List.of("api", "observe", "pages");

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter serverErrors;
    private final Map<String, Timer> latency;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        serverErrors = registry.getOrCreate(Counter.builder("farmdesk_http_5xx")
                .description("Answers with a 5xx status (503 while the database is away or the server stops; 500: a bug)"));
        meters.add(serverErrors);
        Map<String, Timer> timers = new HashMap<>();
        for (String group : GROUPS) {
            Timer t = registry.getOrCreate(Timer.builder("farmdesk_http_requests")
                    .addTag(Tag.create("group", group))
                    .description("Time from the request's arrival to its answer being sent, by route group")
                    .buckets(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                            Duration.ofMillis(2500), Duration.ofSeconds(5)));
            timers.put(group, t);
            meters.add(t);
        }
        latency = Map.copyOf(timers);
    }

    /** An answer was sent; {@code group} null: a stream or poll, not timed. */
    void answered(String group, int status, long nanos) {
        if (status >= 500) {
            serverErrors.increment();
        }
        Timer t = group == null ? null : latency.get(group);
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The route group of a path; null for SSE streams and long-polls (held, so not timed). */
    static String group(String path) {
        if (path.startsWith("/api/")) {
            return path.endsWith("/events") || path.endsWith("/events/poll") ? null : "api";
        }
        return path.startsWith("/observe") ? "observe" : "pages";
    }

    /** Answers with a 5xx status so far. */
    public long serverErrors() {
        return (long) serverErrors.count();
    }

    /** Unregisters the meters (the registry is global; a restarted service registers fresh ones). */
    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
