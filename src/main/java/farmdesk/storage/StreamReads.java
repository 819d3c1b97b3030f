package farmdesk.storage;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.helidon.dbclient.DbClientException;

/**
 * How many database connections the stream path may hold at once: the ticket check when a stream or
 * poll opens, and replays read from the log. The pool's size minus two, so that writes (one writer at a
 * time, group commit) and REST calls always find a connection, also when thousands of clients reconnect
 * at once after a deploy.
 *
 * <p>Readers beyond that wait here, in line (FIFO), up to {@link #MAX_WAIT}, instead of in the pool,
 * whose 3 s timeout failed them by the hundred in the reconnect storm (docs/benchmarks.md "Reconnect
 * storm": a stream refused with 503, or cut after its opening when its replay found no connection) while
 * posts waited behind them for seconds. A wait here costs a parked virtual thread. One that waits too
 * long fails like a pool timeout (the database counts as away: 503 with {@code Retry-After}, or the
 * stream ends normally and its client resumes by id).
 */
public final class StreamReads {

    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** Connections kept for writes and REST calls. */
    static final int KEPT_FOR_OTHERS = 2;

    private final Semaphore permits;

    private StreamReads(int permits) {
        this.permits = new Semaphore(permits, true);
    }

    /** For a pool of {@code poolSize} connections: all but two, at least one. */
    public static StreamReads forPool(int poolSize) {
        return new StreamReads(Math.max(1, poolSize - KEPT_FOR_OTHERS));
    }

    /** No limit beyond the pool's own (tests that build an event log by hand). */
    public static StreamReads unlimited() {
        return new StreamReads(Integer.MAX_VALUE);
    }

    /** Runs one database read of the stream path once a connection of its share is free. */
    public <T> T read(Supplier<T> read) {
        try {
            if (!permits.tryAcquire(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            return read.get();
        } finally {
            permits.release();
        }
    }

    private static DbClientException busy() {
        return new DbClientException("No database connection for the stream path",
                new SQLTransientConnectionException("stream reads waited " + MAX_WAIT.toSeconds()
                        + " s for one of their connections"));
    }
}
