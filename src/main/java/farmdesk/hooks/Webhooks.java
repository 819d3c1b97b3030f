package farmdesk.hooks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

import farmdesk.events.CommitSignal;

/**
 * Signed webhooks from the event log (docs/api.md "Webhooks"): one {@link EndpointDelivery} per endpoint,
 * run while this instance holds the delivery {@link Lease}; per-endpoint status for admins and metrics.
 */
public final class Webhooks implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Webhooks.class.getName());
    private static final int LAG_CAP = 100_000;
    /** Metrics read the status at most this often (a scrape must not become a query per gauge). */
    private static final long STATUS_CACHE_NANOS = 2_000_000_000L;

    private final WebhookSettings settings;
    private final CursorStore cursors;
    private final Lease lease;
    private final Sender sender;
    private final List<EndpointDelivery> deliveries = new ArrayList<>();
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private volatile boolean running = true;
    private Thread leaseKeeper;
    private volatile List<WebhookStatus> cached = List.of();
    private volatile long cachedAt;

    private Webhooks(WebhookSettings settings, DbClient db, CommitSignal commits, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.cursors = new CursorStore(db);
        this.lease = new Lease(db, settings.lease(), clock);
        this.sender = settings.enabled() ? new Sender(settings.secret(), clock) : null;
        this.registry = registry;
        for (WebhookEndpoint e : settings.endpoints()) {
            deliveries.add(new EndpointDelivery(e, db, cursors, lease, sender, settings, commits, clock));
        }
    }

    /**
     * Starts delivery (nothing when no endpoint is set).
     *
     * @param commits raised when this instance learns of a committed event (on any instance)
     */
    public static Webhooks start(WebhookSettings settings, DbClient db, CommitSignal commits, MeterRegistry registry) {
        Webhooks hooks = new Webhooks(settings, db, commits, registry, Clock.systemUTC());
        if (!settings.enabled()) {
            return hooks;
        }
        // each cursor exists before the first event after start commits: "from now on" for a new endpoint
        settings.endpoints().forEach(hooks.cursors::open);
        hooks.leaseKeeper = Thread.ofVirtual().name("farmdesk-webhook-lease").start(hooks::keepLease);
        hooks.deliveries.forEach(EndpointDelivery::start);
        hooks.registerMetrics();
        LOG.info("webhooks: " + settings.endpoints().size() + " endpoint(s): " + String.join(", ",
                settings.endpoints().stream().map(e -> e.number() + " " + e.shownUrl()).toList()));
        return hooks;
    }

    private void keepLease() {
        while (running) {
            boolean had = lease.held();
            if (lease.renew() && !had) {
                deliveries.forEach(EndpointDelivery::wake);
            }
            try {
                Thread.sleep(settings.lease().dividedBy(3).toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Retention keeps every event above this id: the lowest cursor of this instance's endpoints that are not
     * paused (a paused endpoint holds nothing back, and gets a gap if it stays paused past the retention).
     * Endpoints removed from the settings hold nothing back either.
     */
    public long keepAbove() {
        return cursors.lowestLive(settings.endpoints());
    }

    /** Whether this instance delivers now. */
    public boolean delivering() {
        return lease.held();
    }

    /** Every endpoint's state, read from the database (the same on every instance). */
    public List<WebhookStatus> status() {
        List<WebhookStatus> out = new ArrayList<>();
        for (WebhookEndpoint e : settings.endpoints()) {
            out.add(status(e));
        }
        cached = List.copyOf(out);
        cachedAt = System.nanoTime();
        return out;
    }

    private WebhookStatus status(WebhookEndpoint e) {
        Cursor c = cursors.open(e);
        return new WebhookStatus(e.number(), e.shownUrl(), e.types().stream().sorted().toList(), e.internal(),
                c.delivered(), c.lastId(), cursors.lag(c.lastId(), LAG_CAP), c.failingSince(), c.attempts(),
                c.lastError(), c.paused());
    }

    /** The endpoint numbered {@code n} (1-based), if there is one. */
    public Optional<WebhookEndpoint> endpoint(int n) {
        return n >= 1 && n <= settings.endpoints().size() ? Optional.of(settings.endpoints().get(n - 1)) : Optional.empty();
    }

    /** Resumes a paused (or failing) endpoint: its next attempt is now, wherever the lease is. */
    public WebhookStatus resume(WebhookEndpoint e) {
        cursors.resume(e);
        LOG.info("webhooks: endpoint " + e.number() + " (" + e.shownUrl() + ") resumed by an admin");
        deliveries.get(e.number() - 1).wake();
        return status(e);
    }

    private void registerMetrics() {
        for (WebhookEndpoint e : settings.endpoints()) {
            int i = e.number() - 1;
            gauge("farmdesk_webhook_delivered", "Events delivered to the endpoint (2xx), all instances together", i,
                    s -> s.delivered());
            gauge("farmdesk_webhook_lag", "Stored events after the endpoint's cursor (not yet delivered or skipped)", i,
                    s -> s.lag());
            gauge("farmdesk_webhook_failing_seconds", "Seconds the endpoint has failed in a row (0: not failing)", i,
                    s -> s.failingSince() == null ? 0 : Math.max(0, Duration.between(s.failingSince(),
                            java.time.Instant.now()).toSeconds()));
            gauge("farmdesk_webhook_paused", "1 when the endpoint is paused (an admin resumes it)", i, s -> s.paused() ? 1 : 0);
        }
    }

    private void gauge(String name, String description, int index, ToDoubleFunction<WebhookStatus> value) {
        meters.add(registry.getOrCreate(Gauge.builder(name, () -> {
            List<WebhookStatus> s = fresh();
            return index < s.size() ? value.applyAsDouble(s.get(index)) : 0;
        }).description(description).addTag(Tag.create("endpoint", Integer.toString(index + 1)))));
    }

    private List<WebhookStatus> fresh() {
        if (System.nanoTime() - cachedAt > STATUS_CACHE_NANOS) {
            try {
                return status();
            } catch (RuntimeException e) {
                return cached; // the database away: the last known values
            }
        }
        return cached;
    }

    @Override
    public void close() {
        running = false;
        deliveries.forEach(EndpointDelivery::close);
        if (leaseKeeper != null) {
            leaseKeeper.interrupt();
            lease.release();
        }
        if (sender != null) {
            sender.close();
        }
        meters.forEach(registry::remove);
    }
}
