package farmdesk.storage;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.helidon.dbclient.DbClientException;

/**
 * How many database connections one kind of work may hold at once, so that a crowd of it never takes
 * the pool from everything else. Two crowds are shared out:
 * <ul>
 * <li>the stream path ({@link #forStreams}): the ticket check when a stream or poll opens, and replays
 * read from the log. Thousands of clients reconnecting at once after a deploy had their replays
 * waiting in the pool itself, whose 3 s timeout failed them by the hundred (docs/benchmarks.md
 * "Reconnect storm": a stream refused with 503, or cut after its opening) while posts waited behind them
 * for seconds;</li>
 * <li>uploads ({@link #forUploads}): the pieces of tus PATCHes and attachment downloads. Fifty uploads
 * sending their first chunk at once on H2 got eight 503s from the pool's timeout (docs/benchmarks.md
 * "Uploads"), and delayed every post meanwhile.</li>
 * </ul>
 * Work beyond its share waits here, in line (FIFO), up to its wait, instead of in the pool. A wait here
 * costs a parked virtual thread. One that waits too long fails like a pool timeout (the database counts
 * as away: 503 with {@code Retry-After}; a stream ends normally and its client resumes by id; an upload
 * resumes from {@code HEAD}).
 */
public final class PoolShare {

    static final Duration STREAMS_WAIT = Duration.ofSeconds(10);
    /** A piece of an upload waits longer: its client is sending a file, not waiting for a screen. */
    static final Duration UPLOADS_WAIT = Duration.ofSeconds(30);
    /** Connections the stream path leaves for writes and REST calls. */
    static final int KEPT_FOR_OTHERS = 2;

    private final String name;
    private final Semaphore permits;
    private final Duration maxWait;

    private PoolShare(String name, int permits, Duration maxWait) {
        this.name = name;
        this.permits = new Semaphore(permits, true);
        this.maxWait = maxWait;
    }

    /** The stream path's share of a pool of {@code poolSize} connections: all but two, at least one. */
    public static PoolShare forStreams(int poolSize) {
        return new PoolShare("the stream path", Math.max(1, poolSize - KEPT_FOR_OTHERS), STREAMS_WAIT);
    }

    /**
     * The uploads' share: a quarter of what the stream path leaves (2 of the default 10), at least one. A
     * piece is one short statement, so two connections move tens of MiB a second (docs/benchmarks.md),
     * and posts keep finding connections beside any number of uploads.
     */
    public static PoolShare forUploads(int poolSize) {
        return new PoolShare("uploads", Math.max(1, (poolSize - KEPT_FOR_OTHERS) / 4), UPLOADS_WAIT);
    }

    /** No limit beyond the pool's own (tests that build an event log or a store by hand). */
    public static PoolShare unlimited() {
        return new PoolShare("unlimited", Integer.MAX_VALUE, STREAMS_WAIT);
    }

    /** Runs one piece of database work once a connection of this share is free. */
    public <T> T use(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    private DbClientException busy() {
        return new DbClientException("No database connection for " + name,
                new SQLTransientConnectionException(name + " waited " + maxWait.toSeconds()
                        + " s for one of their connections"));
    }
}
