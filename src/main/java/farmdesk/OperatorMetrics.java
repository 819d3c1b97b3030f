package farmdesk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;

import farmdesk.events.EventSystem;
import farmdesk.storage.Database;

/**
 * Gauges an operator alerts on, beside the HTTP ({@link farmdesk.http.HttpMetrics}) and stream
 * ({@link farmdesk.streams.StreamMetrics}) ones: the database pool, the relay, and the newest event id.
 * See docs/deploy.md, "What to monitor", for thresholds.
 */
final class OperatorMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    OperatorMetrics(MeterRegistry registry, Database database, EventSystem events) {
        this.registry = registry;
        Supplier<HikariPoolMXBean> pool = database::poolStats;
        gauge("farmdesk_db_pool_active", "Database connections in use", () -> pool.get().getActiveConnections());
        gauge("farmdesk_db_pool_idle", "Database connections open and idle", () -> pool.get().getIdleConnections());
        gauge("farmdesk_db_pool_waiting", "Threads waiting for a database connection (each waits at most 3 s, then 503)",
                () -> pool.get().getThreadsAwaitingConnection());
        gauge("farmdesk_db_pool_max", "Most database connections the pool opens", database::poolSize);
        // 1 on H2: one instance alone has no relay and misses nothing, so "== 0" alerts on PostgreSQL only
        gauge("farmdesk_relay_connected", "1 while news from other instances arrives (PostgreSQL LISTEN"
                + " connection up); always 1 on H2", () -> events.relayConnected() ? 1 : 0);
        gauge("farmdesk_events_newest_id", "Newest stored event id this instance has delivered; alike on every"
                + " instance of one database unless one is behind", events::newestDelivered);
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        meters.add(registry.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue()).description(description)));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
