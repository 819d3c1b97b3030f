package farmdesk.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.testing.AgedH2File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At start, an H2 file that is mostly free space (what REUSE_SPACE=FALSE leaves behind) is compacted,
 * its data intact; a file that is mostly live data is left as it is. The size threshold is lowered
 * here so the files can stay small.
 */
@Tag("h2-only") // not on PostgreSQL: H2 files whichever run this is
class H2CompactionTest {

    private static final long MIN = 1L << 20;

    @Test
    void aFileThatIsMostlyFreeSpaceIsCompactedWithItsDataIntact(@TempDir Path dir) throws Exception {
        String url = Database.withH2Options(AgedH2File.churned(dir));
        try (Database db = Database.open(url, "sa", "")) {
            assertTrue(db.ping()); // Farmdesk's schema in the aged file
        }
        sql(url, "CREATE TABLE kept (v VARCHAR(10))", "INSERT INTO kept VALUES ('kept')");
        long before = Files.size(dir.resolve("farmdesk.mv.db"));
        assertTrue(before > 4 * MIN, "the aged file is large: " + before);

        H2Compaction.ifWorthIt(url, "sa", null, MIN);

        long after = Files.size(dir.resolve("farmdesk.mv.db"));
        assertTrue(after < MIN, "compacted: " + before + " -> " + after);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT v FROM kept")) {
            assertTrue(r.next());
            assertEquals("kept", r.getString(1));
        }
        try (Database db = Database.open(url, "sa", "")) {
            assertTrue(db.ping(), "Farmdesk opens the compacted file (its migrations already applied)");
        }
    }

    @Test
    void aFileThatIsMostlyLiveDataIsLeftAlone(@TempDir Path dir) throws Exception {
        String url = Database.withH2Options("jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath());
        sql(url, "CREATE TABLE kept (id INT PRIMARY KEY, v VARCHAR(2000))",
                "INSERT INTO kept SELECT \"X\", REPEAT('v', 2000) FROM SYSTEM_RANGE(1, 2000)");
        long before = Files.size(dir.resolve("farmdesk.mv.db"));
        assertTrue(before > MIN, "the file is large enough to be looked at: " + before);

        H2Compaction.ifWorthIt(url, "sa", null, MIN);

        long after = Files.size(dir.resolve("farmdesk.mv.db"));
        assertTrue(after >= before, "not compacted (the close may add a block): " + before + " -> " + after);
    }

    /** Runs statements on a connection of its own, then closes the database without compacting it. */
    private static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + ";MAX_COMPACT_TIME=0", "sa", "");
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
