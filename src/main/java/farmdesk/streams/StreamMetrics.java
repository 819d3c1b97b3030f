package farmdesk.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import farmdesk.events.Event;

/**
 * What operators watch: open SSE streams and held polls by kind (ticket, farmer, admin), events
 * published, subscribers dropped for lagging, and the delivery latency (commit to written on a stream or
 * poll answer). Shown at {@code /observe/metrics}.
 */
public final class StreamMetrics implements AutoCloseable {

    private final Map<String, AtomicInteger> openStreams = Map.of(
            "ticket", new AtomicInteger(), "farmer", new AtomicInteger(), "admin", new AtomicInteger());
    private final Map<String, AtomicInteger> openPolls = Map.of(
            "ticket", new AtomicInteger(), "farmer", new AtomicInteger(), "admin", new AtomicInteger());
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter dropped;
    private final Timer delivery;

    public StreamMetrics(MeterRegistry registry, LongSupplier published) {
        this.registry = registry;
        openStreams.forEach((kind, n) -> meters.add(registry.getOrCreate(Gauge.builder("farmdesk_streams_open", n::get)
                .addTag(Tag.create("kind", kind))
                .description("Open SSE streams"))));
        openPolls.forEach((kind, n) -> meters.add(registry.getOrCreate(Gauge.builder("farmdesk_polls_open", n::get)
                .addTag(Tag.create("kind", kind))
                .description("Long-polls being held"))));
        meters.add(registry.getOrCreate(Gauge.builder("farmdesk_events_published", published::getAsLong)
                .description("Stored events handed to the broadcaster since start")));
        dropped = registry.getOrCreate(Counter.builder("farmdesk_subscribers_dropped")
                .description("Subscribers dropped because they fell too far behind"));
        meters.add(dropped);
        delivery = registry.getOrCreate(Timer.builder("farmdesk_delivery")
                .description("From an event's commit (or its notification from another instance) to its write on a"
                        + " stream or poll answer; events committed before the stream or poll opened are not counted")
                .buckets(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)));
        meters.add(delivery);
    }

    /**
     * The delivery latency of the stored events just written, for those committed after {@code openedNanos}
     * (older ones are a replay: their wait says when the client came, not how fast delivery is).
     */
    void delivered(List<Event> events, long openedNanos) {
        long now = 0;
        for (Event e : events) {
            long committed = e.committedNanos();
            if (committed != 0 && committed - openedNanos >= 0) {
                if (now == 0) {
                    now = System.nanoTime();
                }
                delivery.record(Math.max(0, now - committed), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Events whose delivery was measured. */
    public long deliveriesMeasured() {
        return delivery.count();
    }

    /** Unregisters the meters (the registry is global; a restarted service registers fresh ones). */
    @Override
    public void close() {
        meters.forEach(registry::remove);
    }

    void streamOpened(String kind) {
        openStreams.get(kind).incrementAndGet();
    }

    void streamClosed(String kind) {
        openStreams.get(kind).decrementAndGet();
    }

    void pollStarted(String kind) {
        openPolls.get(kind).incrementAndGet();
    }

    void pollEnded(String kind) {
        openPolls.get(kind).decrementAndGet();
    }

    public void subscriberDropped() {
        dropped.increment();
    }

    /** Open SSE streams of one kind. */
    public int openStreams(String kind) {
        return openStreams.get(kind).get();
    }

    /** Long-polls of one kind being held. */
    public int openPolls(String kind) {
        return openPolls.get(kind).get();
    }

    public long droppedSubscribers() {
        return (long) dropped.count();
    }
}
