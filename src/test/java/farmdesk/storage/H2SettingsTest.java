package farmdesk.storage;

import java.nio.file.Files;
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

import farmdesk.testing.AgedH2File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The H2 settings a commit's durability depends on (issue 10, item 0) are in force on any file, an aged
 * one included, and a URL that asks for others is refused before anything is opened.
 */
@Tag("h2-only") // not on PostgreSQL: H2's own settings, on H2 files whichever run this is
class H2SettingsTest {

    @Test
    void anAgedFileRunsWithTheSettingsFarmdeskNeeds(@TempDir Path dir) throws SQLException {
        String url = AgedH2File.copy(AgedH2File.REPRO, dir);
        try (Database db = Database.open(url, "sa", "")) {
            // a second connection to the same open database sees the settings it was opened with
            try (Connection c = DriverManager.getConnection(url + ";DATABASE_TO_LOWER=TRUE", "sa", "");
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT setting_name, setting_value FROM information_schema.settings")) {
                Map<String, String> settings = new HashMap<>();
                while (r.next()) {
                    settings.put(r.getString(1), r.getString(2));
                }
                assertEquals("0", settings.get("WRITE_DELAY"), "WRITE_DELAY in force");
                assertEquals("false", settings.get("REUSE_SPACE").toLowerCase(java.util.Locale.ROOT), "REUSE_SPACE in force");
            }
        }
    }

    @Test
    void aUrlAskingForUnsafeSettingsIsRefusedAndOpensNothing(@TempDir Path dir) {
        String file = "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath();
        for (String unsafe : new String[] {";WRITE_DELAY=500", ";reuse_space=true", ";REUSE_SPACE=TRUE;WRITE_DELAY=0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Database.open(file + unsafe, "sa", ""), unsafe);
            assertTrue(e.getMessage().startsWith("FARMDESK_DB_URL sets "), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("farmdesk.mv.db")), "no database was opened");
    }

    @Test
    void theSameSettingsGivenInTheUrlAreAccepted() {
        String url = Database.withH2Options("jdbc:h2:file:./x;write_delay=0;Reuse_Space=false");
        assertEquals("jdbc:h2:file:./x;write_delay=0;Reuse_Space=false;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE", url);
        assertEquals("jdbc:h2:mem:y;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE", Database.withH2Options("jdbc:h2:mem:y"));
        assertEquals("jdbc:h2:file:./z;DATABASE_TO_LOWER=TRUE;REUSE_SPACE=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                Database.withH2Options("jdbc:h2:file:./z"));
    }
}
