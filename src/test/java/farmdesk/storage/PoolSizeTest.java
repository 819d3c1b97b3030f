package farmdesk.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import farmdesk.Settings;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FARMDESK_DB_POOL: the connections a running server holds, counted by the database itself. The pool
 * keeps as many idle connections as its maximum (HikariCP's default minimumIdle), so once it is filled
 * the database sees exactly that many.
 */
@FarmdeskServer
class PoolSizeTest {

    @Test
    void theDatabaseSeesAsManyConnectionsAsThePoolSize(Servers servers) throws Exception {
        Settings settings = TestSettings.builder().dbPool(3).build();
        servers.start(settings);
        try (Connection own = connect(settings)) {
            // the pool fills in the background: wait until the count has stayed put for a second
            // (bounded), then compare; the default pool of 10 would pass 3 on its way
            int seen = -1;
            int stableFor = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (stableFor < 10 && System.nanoTime() < deadline) {
                int now = poolConnections(own, settings);
                stableFor = now == seen ? stableFor + 1 : 0;
                seen = now;
                Thread.sleep(100);
            }
            assertEquals(3, seen);
        }
    }

    private static Connection connect(Settings s) throws SQLException {
        return DriverManager.getConnection(Database.withH2Options(s.dbUrl()), s.effectiveDbUser(), s.effectiveDbPassword());
    }

    /** Sessions of the server's pool: every session but this test's own (and, on PostgreSQL, the LISTEN one). */
    private static int poolConnections(Connection own, Settings s) throws SQLException {
        String sql = s.isH2()
                ? "SELECT COUNT(*) FROM information_schema.sessions"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name <> 'farmdesk-relay'";
        try (Statement st = own.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1) - 1;
        }
    }
}
