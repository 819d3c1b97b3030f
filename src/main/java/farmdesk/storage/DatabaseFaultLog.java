package farmdesk.storage;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One short line per error, and no stack trace, for what HikariCP (and Helidon's JDBC client) logs when the database goes away: an
 * expected fault, not a bug, so a trace says nothing an operator can act on (measured with PostgreSQL
 * stopped under a running instance: DatabaseOutageTest).
 *
 * <ul>
 * <li>{@code ProxyConnection} "marked as broken because of SQLSTATE(57P01)" comes with the driver's whole
 *     stack trace: the line stays, with the cause's first line instead of the trace;</li>
 * <li>{@code PoolBase} "Failed to validate connection ... (This connection has been closed.)" comes once
 *     for every idle connection of the pool (ten for one outage): dropped, the outage is already said by
 *     the broken connection, by each refused request (503, one line each) and by the relay.</li>
 * <li>Helidon's {@code JdbcStatement} "Could not close connection" for a connection the outage closed: the
 *     line stays, without the trace.</li>
 * </ul>
 * Anything else, a fault that is not a lost connection included, passes unchanged.
 */
public final class DatabaseFaultLog implements Filter {

    /** Held here: JUL keeps loggers weakly, and a logger that is collected forgets its filter. */
    static final List<Logger> FILTERED = List.of(
            Logger.getLogger("com.zaxxer.hikari.pool.ProxyConnection"),
            Logger.getLogger("com.zaxxer.hikari.pool.PoolBase"),
            Logger.getLogger("com.zaxxer.hikari.pool.HikariPool"),
            // "Could not close connection: This connection has been closed." with the driver's trace, when a
            // query's stream is closed on a connection the outage broke (seen once in DatabaseOutageTest)
            Logger.getLogger("io.helidon.dbclient.jdbc.JdbcStatement"));

    private DatabaseFaultLog() {
    }

    /** Idempotent: every Farmdesk in the process shares the loggers. */
    public static synchronized void install() {
        for (Logger logger : FILTERED) {
            if (!(logger.getFilter() instanceof DatabaseFaultLog)) {
                logger.setFilter(new DatabaseFaultLog());
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = String.valueOf(record.getMessage());
        if (record.getLevel().intValue() <= Level.WARNING.intValue()
                && message.contains(" - Failed to validate connection ")) {
            return false; // one per idle connection of the pool, for one outage
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && isConnectionLost(thrown)) {
            record.setThrown(null);
            record.setMessage(message + " (" + firstLine(thrown) + ")");
        }
        return true;
    }

    /** A lost or refused connection anywhere in the cause chain (SQLSTATE class 08, or 57: shut down). */
    public static boolean isConnectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The innermost cause's class and the first line of its message, for one log line: the driver's own
     * words ("Connection refused"), not a wrapper's ("Failed to execute Statement").
     */
    public static String firstLine(Throwable thrown) {
        Throwable e = thrown;
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl).strip());
    }
}
