package farmdesk.http;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Writes the access log ({@code farmdesk.access}) to standard output from one background thread, many
 * lines per write. The console handler formats each record with {@code String.format} and writes and
 * flushes it on the request's thread: with a thousand long-pollers re-polling after every event that
 * was a large share of the server's CPU (profile in docs/benchmarks.md). A request only queues its line; when
 * the queue is full (the output cannot keep up) lines are dropped and counted, never waited for.
 */
public final class AccessLogHandler extends Handler {

    private static final int QUEUE_LINES = 65_536;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final ZoneId zone = ZoneId.systemDefault();
    private final Thread writer;
    private volatile boolean closed;

    /** On standard output: named in logging.properties as the handler of {@code farmdesk.access}. */
    public AccessLogHandler() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    AccessLogHandler(OutputStream out) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.writer = Thread.ofPlatform().daemon().name("farmdesk-access-log").start(this::writeLines);
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        if (!lines.offer(line(record))) {
            dropped.incrementAndGet();
        }
    }

    /** The usual line is built here, cheaply; FARMDESK_LOG_FORMAT=json sets a formatter ({@link LogFormat}). */
    private String line(LogRecord record) {
        if (getFormatter() instanceof JsonLogFormatter json) {
            return json.format(record);
        }
        return TIME.format(LocalDateTime.ofInstant(record.getInstant(), zone)) + " "
                + record.getLevel().getName() + " " + record.getLoggerName() + ": " + record.getMessage() + "\n";
    }

    /** Lines dropped because the output could not keep up. */
    long dropped() {
        return dropped.get();
    }

    private void writeLines() {
        List<String> batch = new ArrayList<>();
        while (!closed || !lines.isEmpty()) {
            try {
                String first = lines.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                lines.drainTo(batch);
                for (String line : batch) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                }
                batch.clear();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LogRecord warning = new LogRecord(Level.WARNING, lost + " access lines dropped (output too slow)");
                    warning.setLoggerName(AccessLog.LOGGER_NAME);
                    out.write(line(warning).getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                batch.clear(); // standard output is gone: nothing else to do with the lines
            }
        }
    }

    /** Nothing to do: the writer flushes after every batch. */
    @Override
    public void flush() {
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing to flush to
        }
    }
}
