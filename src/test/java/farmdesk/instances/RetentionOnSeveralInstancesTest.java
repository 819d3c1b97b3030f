package farmdesk.instances;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances on one PostgreSQL database prune at the same moment: every event beyond the limit is
 * deleted once (the two counts add up), neither fails, and both answer a resume from a pruned id with
 * a reset.
 */
@FarmdeskServer
@Tag("postgres-only")
class RetentionOnSeveralInstancesTest {

    private static final int KEEP = 100;
    private static final int INSERTED = 9_000; // several batches each

    @Test
    void twoInstancesPruningAtOnceDeleteEachEventOnce(Servers servers) throws Exception {
        Settings shared = TestSettings.postgres().toBuilder().retentionEvents(KEEP).build();
        Farmdesk a = servers.start(shared);
        Farmdesk b = servers.start(shared);
        Api apiA = new Api(a.port());
        String farmer = apiA.farmer("F-prune");
        String ticket = apiA.createTicket(farmer, "Prune", "first");
        long firstId = latest(apiA, apiA.admin("A-prune"));
        try (Connection c = DriverManager.getConnection(shared.dbUrl(), shared.effectiveDbUser(), null);
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO events (type, ticket_num, farmer_id, admin_only, data, created_at)"
                    + " SELECT 'new-message', 1001, 'F-other', FALSE, '{}', now() FROM generate_series(1, " + INSERTED + ")");
        }
        apiA.postMessage(farmer, ticket, "newest");
        long total = count(shared);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Long>> runs = List.of(a, b).stream().map(app -> CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return app.retention().pruneOnce(Instant.now());
        })).toList();
        go.countDown();
        long pruned = runs.stream().mapToLong(CompletableFuture::join).sum();
        assertEquals(total - KEEP, pruned, "each event beyond the newest " + KEEP + " deleted once, by one of them");
        assertEquals(KEEP, count(shared));
        for (Farmdesk app : List.of(a, b)) {
            Api api = new Api(app.port());
            JsonNode poll = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + firstId, farmer).json();
            assertEquals("reset", poll.at("/events/0/type").asText(), poll.toString());
        }
    }

    private static long latest(Api api, String admin) {
        return api.get("/api/admin/events/poll", admin).json().get("next").asLong();
    }

    private static long count(Settings settings) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.dbUrl(), settings.effectiveDbUser(), null);
             Statement st = c.createStatement(); var r = st.executeQuery("SELECT COUNT(*) FROM events")) {
            r.next();
            return r.getLong(1);
        }
    }
}
