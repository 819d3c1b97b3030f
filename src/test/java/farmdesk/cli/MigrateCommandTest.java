package farmdesk.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code farmdesk migrate}: applies the migrations and exits; a second run has nothing to do. */
class MigrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void itAppliesTheMigrationsOnceAndExitsWithoutServing() throws Exception {
        Map<String, String> env = new HashMap<>();
        String user;
        if (TestPostgres.selected()) {
            env.put("FARMDESK_DB_URL", TestPostgres.freshDatabase());
            user = "postgres";
            env.put("FARMDESK_DB_USER", user);
        } else {
            env.put("FARMDESK_DB_URL", "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath());
            user = "sa";
        }
        // a port in use would not matter: nothing listens
        env.put("PORT", "1");

        TokenCommandTest.Run first = TokenCommandTest.run(env, "migrate");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().matches("farmdesk migrate: [1-9][0-9]* migration\\(s\\) applied to .*, schema version [0-9]+\n"),
                first.out());
        try (Connection c = DriverManager.getConnection(url(env), user, "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            assertTrue(rs.getInt(1) >= 2, "V1 and V2 at least");
            st.executeQuery("SELECT COUNT(*) FROM events").close();
        }

        TokenCommandTest.Run again = TokenCommandTest.run(env, "migrate");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("farmdesk migrate: 0 migration(s) applied"), again.out());

        // an older release on a schema migrated by a newer one (a roll-back): a migration it does not
        // know is in the history, and it still starts
        try (Connection c = DriverManager.getConnection(url(env), user, "");
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) VALUES (999, '999', 'from a newer release', 'SQL',"
                    + " 'V999__from_a_newer_release.sql', 1, 'test', 1, TRUE)");
        }
        TokenCommandTest.Run older = TokenCommandTest.run(env, "migrate");
        assertEquals(0, older.exit(), older.err());

        TokenCommandTest.Run extra = TokenCommandTest.run(env, "migrate", "--now");
        assertEquals(2, extra.exit());
        assertTrue(extra.err().contains("usage: farmdesk migrate"), extra.err());
    }

    // not on PostgreSQL: its unreachable PostgreSQL URL is the same in both runs
    @Tag("h2-only")
    @Test
    void aDatabaseItCannotReachExitsOneWithTheReason() {
        Map<String, String> env = Map.of("FARMDESK_DB_URL", "jdbc:postgresql://127.0.0.1:1/farmdesk",
                "FARMDESK_DB_USER", "farmdesk");
        TokenCommandTest.Run r = TokenCommandTest.run(env, "migrate");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("farmdesk migrate: failed: "), r.err());
    }

    private static String url(Map<String, String> env) throws SQLException {
        String url = env.get("FARMDESK_DB_URL");
        return url.startsWith("jdbc:h2:") ? url + ";DATABASE_TO_LOWER=TRUE" : url;
    }
}
