package farmdesk.events;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.TestSettings;

/**
 * Not a test (no assertion on time; surefire does not pick it up by name): how long pruning 100,000
 * events of ~775 characters takes, per batch of {@link Retention#BATCH}, on an H2 file and on
 * PostgreSQL, and what a post meanwhile waits. Run by hand:
 * {@code mvn test -Dtest=RetentionBenchmark -DskipPostgresTests=true}.
 */
class RetentionBenchmark {

    private static final int EVENTS = 100_000;

    @Test
    void pruneOneHundredThousandEvents(@TempDir Path dir) throws Exception {
        measure("H2 file", TestSettings.file(dir));
        measure("PostgreSQL", TestSettings.postgres());
    }

    private static void measure(String name, Settings settings) throws Exception {
        try (Farmdesk app = Farmdesk.start(settings)) {
            app.port(); // the schema, nothing else
        }
        fill(settings);
        try (Farmdesk app = Farmdesk.start(settings)) {
            Api api = new Api(app.port());
            String farmer = api.farmer("F-bench");
            String ticket = api.createTicket(farmer, "bench", "first");
            List<Long> idle = posts(api, farmer, ticket, 200, null);
            AtomicBoolean pruning = new AtomicBoolean(true);
            List<Long> during = new ArrayList<>();
            Thread poster = Thread.ofVirtual().start(() -> during.addAll(posts(api, farmer, ticket, Integer.MAX_VALUE, pruning)));
            long began = System.nanoTime();
            long pruned = app.retention().pruneOnce(Instant.now());
            long millis = (System.nanoTime() - began) / 1_000_000;
            pruning.set(false);
            poster.join();
            System.out.printf("RETENTION %s: pruned %d events in %d ms (%d batches of %d: %.1f ms each);"
                            + " POST p50/p99/max idle %s ms, while pruning %s ms (%d posts)%n",
                    name, pruned, millis, (pruned + Retention.BATCH - 1) / Retention.BATCH, Retention.BATCH,
                    millis / Math.ceil(pruned / (double) Retention.BATCH), summary(idle), summary(during), during.size());
        }
    }

    /** 100,000 events of ~775 characters, 100 days old, inserted straight into the log. */
    private static void fill(Settings settings) throws SQLException {
        String url = settings.isH2() ? settings.dbUrl() + ";DATABASE_TO_LOWER=TRUE" : settings.dbUrl();
        String data = "{\"ticketId\":\"TKT-1001\",\"message\":{\"text\":\"" + "x".repeat(700) + "\"}}";
        try (Connection c = DriverManager.getConnection(url, settings.effectiveDbUser(), settings.effectiveDbPassword());
             PreparedStatement st = c.prepareStatement("INSERT INTO events (type, ticket_num, farmer_id, admin_only, data, created_at)"
                     + " VALUES ('new-message', 1001, 'F-bench', FALSE, ?, ?)")) {
            c.setAutoCommit(false);
            var old = Instant.now().minus(Duration.ofDays(100)).atOffset(ZoneOffset.UTC);
            for (int i = 0; i < EVENTS; i++) {
                st.setString(1, data);
                st.setObject(2, old);
                st.addBatch();
                if (i % 1000 == 999) {
                    st.executeBatch();
                    c.commit();
                }
            }
            st.executeBatch();
            c.commit();
        }
    }

    /** Post latencies in ms: {@code count} posts, or as long as {@code running} holds. */
    private static List<Long> posts(Api api, String farmer, String ticket, int count, AtomicBoolean running) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < count && (running == null || running.get()); i++) {
            long t = System.nanoTime();
            api.postMessage(farmer, ticket, "post " + i);
            out.add((System.nanoTime() - t) / 1_000);
        }
        return out;
    }

    private static String summary(List<Long> micros) {
        if (micros.isEmpty()) {
            return "-";
        }
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return String.format("%.1f/%.1f/%.1f", sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get((int) (sorted.size() * 0.99)) / 1000.0, sorted.getLast() / 1000.0);
    }
}
