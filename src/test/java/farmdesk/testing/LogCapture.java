package farmdesk.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the in-process server logs (Farmdesk's loggers, Helidon's, the access log), so a test can
 * check what an operator would read. Close it to detach.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<Logger> loggers = new ArrayList<>();
    private final List<LogRecord> records = new ArrayList<>();

    /** Listens on the root logger and on the named ones (those that do not pass records to the root, like the access log). */
    public static LogCapture start(String... alsoLoggers) {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        capture.attach(Logger.getLogger(""));
        for (String name : alsoLoggers) {
            capture.attach(Logger.getLogger(name));
        }
        return capture;
    }

    private void attach(Logger logger) {
        logger.addHandler(this);
        loggers.add(logger);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    /** Everything logged so far, oldest first. */
    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Records of loggers other than the access log. */
    public List<LogRecord> exceptAccessLog() {
        return records().stream().filter(r -> !"farmdesk.access".equals(r.getLoggerName())).toList();
    }

    /** One line per record, with the class of its exception if it has one, for assertion messages. */
    public static String describe(List<LogRecord> records) {
        StringBuilder b = new StringBuilder();
        for (LogRecord r : records) {
            b.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage());
            if (r.getThrown() != null) {
                b.append(" [").append(r.getThrown()).append(']');
            }
            b.append('\n');
        }
        return b.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (Logger logger : loggers) {
            logger.removeHandler(this);
        }
    }
}
