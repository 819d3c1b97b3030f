package farmdesk.http;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.helidon.common.buffers.DataReader;

/**
 * One short line, instead of a stack trace, when a client goes away in the middle of its request headers.
 *
 * <p>Helidon 4.5 reads the request line expecting that a client may leave, but not the headers: when the
 * stream ends there, {@code Http1Connection} logs "Internal server error" at WARNING with the whole stack
 * trace, once per such connection, so anyone can fill the log with traces. This filter on that logger drops
 * exactly those records (their cause is the end of the input) and writes one line of its own; every other
 * record passes unchanged. A client that leaves in the middle of a body is answered by {@link JsonBody}.
 */
public final class ClientGoneLog implements Filter {

    /** Held here: JUL keeps loggers weakly, and a logger that is collected forgets its filter. */
    private static final Logger HELIDON_HTTP1 = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");
    private static final Logger LOG = Logger.getLogger(ClientGoneLog.class.getName());

    private ClientGoneLog() {
    }

    /** Idempotent: every Farmdesk in the process shares the logger. */
    public static synchronized void install() {
        if (!(HELIDON_HTTP1.getFilter() instanceof ClientGoneLog)) {
            HELIDON_HTTP1.setFilter(new ClientGoneLog());
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!endOfInput(record.getThrown())) {
            return true;
        }
        LOG.info("a client closed its connection before the end of its request headers; nothing was done");
        return false;
    }

    private static boolean endOfInput(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }
}
