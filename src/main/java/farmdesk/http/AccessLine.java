package farmdesk.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One request's access-log line, made by {@link AccessLog} when the request arrives and written once.
 *
 * <p>A plain request's line is written when its answer is sent. An SSE stream or a held poll takes the
 * line over ({@link #takeOver}): Helidon tells nothing when a client closes a stream (the write fails, the
 * handler returns, the response is never "sent"), so the stream's own code writes the line when it ends,
 * however it ends, with the events it wrote and why it ended.
 */
public final class AccessLine {

    private static final ThreadLocal<AccessLine> CURRENT = new ThreadLocal<>();

    private final Logger log;
    private final String method;
    private final String path;
    private final String query;
    private final long startNanos;
    private final AtomicBoolean written = new AtomicBoolean();
    private volatile boolean stream;

    AccessLine(Logger log, String method, String path, String query, long startNanos) {
        this.log = log;
        this.method = method;
        this.path = path;
        this.query = query;
        this.startNanos = startNanos;
    }

    /**
     * The line of the request being handled on this thread, taken over by a stream or held poll: written
     * by {@link #streamEnded}, not when sent. Null when the access log is off.
     */
    public static AccessLine takeOver() {
        AccessLine line = CURRENT.get();
        if (line != null) {
            line.stream = true;
        }
        return line;
    }

    /**
     * Runs the rest of the request (filters and handler, on this thread: Helidon calls them in turn) with
     * this line as the current one. A thread local, not the request's Helidon context: without a context
     * feature, the request context comes from whatever the thread carries, which need not be the request's own.
     */
    void during(Runnable rest) {
        CURRENT.set(this);
        try {
            rest.run();
        } finally {
            CURRENT.remove();
        }
    }

    /** A stream that failed before it could end normally: the error's answer, when sent, writes the line. */
    public void handBack() {
        stream = false;
    }

    /** The answer was sent (nothing is written for a stream: it writes its own line when it ends). */
    void sent(int status) {
        if (!stream) {
            write(status, -1, null);
        }
    }

    /**
     * The stream or held poll ended.
     *
     * @param events the events it wrote (stored and live; heartbeats not counted)
     * @param end    how it ended: {@code client-gone}, {@code token-expired}, {@code lagging}, {@code ended}
     *               (the server ended it: a stop, or its slot given to a newer stream), {@code answered}
     */
    public void streamEnded(int status, int events, String end) {
        write(status, events, end);
    }

    private void write(int status, int events, String end) {
        if (!log.isLoggable(Level.INFO) || !written.compareAndSet(false, true)) {
            return;
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        AccessRecord record = new AccessRecord(method, path, query, status, millis, events, end);
        record.setLoggerName(log.getName());
        log.log(record);
    }

    /** The line as a record whose fields a formatter can write one by one (JSON lines). */
    public static final class AccessRecord extends LogRecord {

        private final String method;
        private final String path;
        private final String query;
        private final int status;
        private final long millis;
        private final int events;
        private final String end;

        AccessRecord(String method, String path, String query, int status, long millis, int events, String end) {
            super(Level.INFO, method + " " + path + (query.isEmpty() ? "" : "?" + query) + " " + status + " "
                    + millis + " ms" + (end == null ? "" : " " + events + " events " + end));
            this.method = method;
            this.path = path;
            this.query = query;
            this.status = status;
            this.millis = millis;
            this.events = events;
            this.end = end;
        }

        public String method() {
            return method;
        }

        public String path() {
            return path;
        }

        /** With token values redacted; empty when none. */
        public String query() {
            return query;
        }

        public int status() {
            return status;
        }

        public long millis() {
            return millis;
        }

        /** Events a stream or poll wrote; -1 for a plain request. */
        public int events() {
            return events;
        }

        /** How a stream or poll ended; null for a plain request. */
        public String end() {
            return end;
        }
    }
}
