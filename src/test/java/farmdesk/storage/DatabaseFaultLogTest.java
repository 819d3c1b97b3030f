package farmdesk.storage;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the database going away logs through Helidon's JDBC client: one line, no trace (DatabaseOutageTest
 * met it once, under load: a query's stream closed on a connection the outage had closed). A fault that is
 * not a lost connection keeps its trace.
 */
@Tag("h2-only") // no database: the same in both runs
class DatabaseFaultLogTest {

    @Test
    void helidonsCouldNotCloseConnectionIsOneLineAndOtherFaultsKeepTheirTrace() {
        DatabaseFaultLog.install();
        Logger jdbc = Logger.getLogger("io.helidon.dbclient.jdbc.JdbcStatement");
        List<LogRecord> seen = new ArrayList<>();
        Handler keep = new Handler() {
            @Override
            public void publish(LogRecord r) {
                seen.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jdbc.addHandler(keep);
        try {
            // what PgConnection.checkClosed throws: SQLSTATE 08003, connection does not exist
            jdbc.log(Level.WARNING, "Could not close connection: This connection has been closed.",
                    new SQLException("This connection has been closed.", "08003"));
            jdbc.log(Level.WARNING, "Could not close connection: syntax", new SQLException("syntax error", "42601"));
        } finally {
            jdbc.removeHandler(keep);
        }
        assertEquals(2, seen.size());
        assertNull(seen.get(0).getThrown(), "a lost connection: no trace");
        assertTrue(seen.get(0).getMessage().contains("This connection has been closed."), seen.get(0).getMessage());
        assertNotNull(seen.get(1).getThrown(), "anything else keeps its trace");
    }
}
