package farmdesk.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;

import farmdesk.storage.Sql;

/**
 * Keeps the event log from growing forever: in the background, deletes the events older than
 * FARMDESK_RETENTION_DAYS and those beyond the newest FARMDESK_RETENTION_EVENTS. Only {@code events}
 * rows: tickets, messages and read marks are the service's data and are never pruned here (a client
 * that reloads after a {@code reset} finds them all).
 *
 * <p>Never a long lock: each run deletes the oldest events in batches of {@link #BATCH}, each batch
 * its own short statement (its own transaction), so appends and reads go on between them (on H2 and
 * PostgreSQL a delete takes row locks only). Safe on several instances at once: every batch deletes a
 * range of the oldest rows it has just read ({@code id <= x}), so two instances pruning together
 * delete the same rows or none, and a row deleted twice is simply gone.
 *
 * <p>The oldest events go first, always a prefix of the log in id order: {@link EventLog#readAfter}
 * relies on it (while a client's resume id is still stored, nothing above it was pruned). The newest
 * event is never pruned, so the newest id, where clients start "from now" and which a reset hands
 * them, is always one the log holds.
 *
 * <p>A resume from a pruned id gets {@code reset} ({@link EventLog#readAfter}): never a silent jump
 * to the oldest event kept.
 */
public final class Retention implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Retention.class.getName());
    /**
     * Events per delete: tens of milliseconds each on H2 (PostgreSQL: ~10), so a post never waits long
     * behind one (docs/benchmarks.md, "Figures behind code comments"). A system property only for the benchmark.
     */
    static final int BATCH = Integer.getInteger("farmdesk.retention.batch", 1000);

    private final DbClient db;
    private final LongSupplier keepAbove;
    private final EventLog log;
    private final Duration maxAge;
    private final long maxEvents;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter prunedCounter;
    private final ScheduledExecutorService timer;
    private volatile boolean closed;
    private volatile long oldestKept;
    /** The newest id when the count limit was last applied in full: nothing new since, nothing to count. */
    private long countAppliedAt = -1;

    /**
     * @param maxAge    events older than this are pruned; zero: no age limit
     * @param maxEvents at most this many newest events are kept; 0: no count limit
     * @param every     how often the pruner runs in the background
     */
    public Retention(DbClient db, EventLog log, Duration maxAge, long maxEvents, Duration every, MeterRegistry registry) {
        this(db, log, maxAge, maxEvents, every, registry, () -> Long.MAX_VALUE);
    }

    /**
     * @param keepAbove events with a larger id are never pruned, whatever the limits (webhook endpoints that
     *                  have not received them yet); {@link Long#MAX_VALUE}: no such hold
     */
    public Retention(DbClient db, EventLog log, Duration maxAge, long maxEvents, Duration every, MeterRegistry registry,
                     LongSupplier keepAbove) {
        this.keepAbove = keepAbove;
        this.db = db;
        this.log = log;
        this.maxAge = maxAge;
        this.maxEvents = maxEvents;
        this.registry = registry;
        this.oldestKept = oldestId();
        prunedCounter = registry.getOrCreate(Counter.builder("farmdesk_events_pruned")
                .description("Events deleted from the log by retention (FARMDESK_RETENTION_DAYS, FARMDESK_RETENTION_EVENTS)"));
        meters.add(prunedCounter);
        meters.add(registry.getOrCreate(Gauge.builder("farmdesk_events_oldest_kept_id", () -> oldestKept)
                .description("The oldest event id in the log: a resume from an older id gets a reset")));
        boolean limited = !maxAge.isZero() || maxEvents > 0;
        if (limited) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("farmdesk-retention").daemon().factory());
            long millis = Math.max(1, every.toMillis());
            timer.scheduleWithFixedDelay(this::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Events deleted by this instance since start. */
    public long prunedCount() {
        return (long) prunedCounter.count();
    }

    /** The oldest stored id, as of the last run (0: the log is empty). */
    public long oldestKept() {
        return oldestKept;
    }

    private void runQuietly() {
        try {
            pruneOnce(Instant.now());
        } catch (RuntimeException e) {
            // the database away or busy: the next run tries again; one line, no trace (an expected fault)
            LOG.warning("retention: cannot prune the event log now (" + e.getMessage() + "); trying again later");
        }
    }

    /**
     * One run, as if the time were {@code now}: deletes, in batches, the oldest events that are older
     * than the age limit or beyond the count limit, never the newest. Returns how many it deleted.
     * Tests call it directly to prune without waiting (and with a "now" days ahead).
     */
    public synchronized long pruneOnce(Instant now) {
        long newest = EventLog.latestId(db);
        if (newest == 0) {
            return 0;
        }
        long started = System.nanoTime();
        // the count limit: everything up to the (maxEvents+1)-th newest id goes. An index scan of maxEvents
        // entries, so only when events came since it was last applied
        long beyondCount = 0;
        if (maxEvents > 0 && newest != countAppliedAt) {
            beyondCount = db.execute().get("SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET " + maxEvents)
                    .map(r -> Sql.longOrZero(r, "id")).orElse(0L);
        }
        Instant cutoff = maxAge.isZero() ? null : now.minus(maxAge);
        // what a webhook endpoint still has to receive stays (a paused endpoint holds nothing back)
        long hold = keepAbove.getAsLong();
        long keepFrom = hold == Long.MAX_VALUE ? newest : Math.min(newest, hold + 1);
        long deleted = 0;
        long after = 0;
        long upTo = 0;
        long longest = 0;
        while (!closed) {
            List<long[]> oldest = oldestAfter(after, cutoff);
            long last = 0;
            for (long[] row : oldest) {
                long id = row[0];
                boolean tooOld = row[1] == 1;
                if (id >= keepFrom || !(id <= beyondCount || tooOld)) {
                    break; // the first event to keep: everything after it stays too (a prefix goes)
                }
                last = id;
            }
            if (last == 0) {
                break;
            }
            long batchStarted = System.nanoTime();
            deleted += db.execute().delete("DELETE FROM events WHERE id > ? AND id <= ?", after, last);
            longest = Math.max(longest, System.nanoTime() - batchStarted);
            upTo = last;
            after = last;
            if (last != oldest.getLast()[0] || oldest.size() < BATCH) {
                break;
            }
            // give the database as much time for others as the batch took: a backlog (retention turned on
            // late) is pruned at half speed, and posts never queue behind one delete after another
            pause(System.nanoTime() - batchStarted);
        }
        if (!closed && keepFrom == newest) {
            countAppliedAt = newest;
        }
        oldestKept = oldestId();
        if (oldestKept > 0) {
            // also what other instances pruned: every instance's memory answers for what the log keeps
            log.pruned(oldestKept - 1);
        }
        if (deleted > 0) {
            prunedCounter.increment(deleted);
            LOG.info("retention: pruned " + deleted + " events (ids up to " + upTo + "; " + limits() + ") in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms (longest delete " + longest / 1_000_000
                    + " ms); oldest kept id " + oldestKept);
        }
        return deleted;
    }

    private void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Up to BATCH of the oldest events after {@code after}: {id, 1 if created before cutoff else 0}. */
    private List<long[]> oldestAfter(long after, Instant cutoff) {
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT id, created_at FROM events WHERE id > ? ORDER BY id LIMIT " + BATCH, after)) {
            return rows.map(r -> new long[] {Sql.longOrZero(r, "id"),
                    cutoff != null && Sql.instant(r, "created_at").isBefore(cutoff) ? 1 : 0}).toList();
        }
    }

    private long oldestId() {
        return db.execute().get("SELECT MIN(id) AS oldest FROM events")
                .map(r -> Sql.longOrZero(r, "oldest")).orElse(0L);
    }

    private String limits() {
        List<String> limits = new ArrayList<>(2);
        if (!maxAge.isZero()) {
            limits.add(maxAge.toDays() > 0 && maxAge.equals(Duration.ofDays(maxAge.toDays()))
                    ? "older than " + maxAge.toDays() + " days" : "older than " + maxAge);
        }
        if (maxEvents > 0) {
            limits.add("beyond the newest " + maxEvents);
        }
        return String.join(" or ", limits);
    }

    /** Stops the background runs; a batch in progress finishes (it is short). Call before the database closes. */
    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        meters.forEach(registry::remove);
    }
}
