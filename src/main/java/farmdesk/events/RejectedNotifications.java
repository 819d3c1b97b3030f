package farmdesk.events;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;

/**
 * Notifications on Farmdesk's channel that no instance sent (or that are malformed): each is dropped
 * and counted ({@code farmdesk_relay_notifications_rejected}), and the log says so at most once a
 * minute, with how many and the last reason, never their content (whoever sends them chooses it, and
 * could flood the log).
 */
final class RejectedNotifications implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RejectedNotifications.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final MeterRegistry registry;
    private final Counter counter;
    private long unlogged;
    private long loggedAt;
    private boolean loggedOnce;

    RejectedNotifications() {
        registry = Services.get(MeterRegistry.class);
        counter = registry.getOrCreate(Counter.builder("farmdesk_relay_notifications_rejected")
                .description("Notifications on the relay channel dropped as not sent by a Farmdesk instance or malformed"));
    }

    /** Called by the relay's one listening thread. */
    void reject(String reason) {
        counter.increment();
        unlogged++;
        long now = System.nanoTime();
        if (!loggedOnce || now - loggedAt >= LOG_EVERY_NANOS) {
            LOG.warning("dropped " + unlogged + " notification(s) on " + PgRelay.CHANNEL + " that no Farmdesk instance"
                    + " sent or that are malformed (last: " + reason + "). Any role that can connect to the database"
                    + " may NOTIFY; instances with different FARMDESK_AUTH_SECRET values reject each other's (docs/deploy.md)");
            unlogged = 0;
            loggedAt = now;
            loggedOnce = true;
        }
    }

    /** Rejected since start. */
    long count() {
        return (long) counter.count();
    }

    @Override
    public void close() {
        registry.remove(counter);
    }
}
