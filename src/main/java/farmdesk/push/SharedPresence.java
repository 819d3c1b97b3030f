package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;

import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;

/**
 * Who is live (a stream or a held poll) on ANY instance sharing the database: each instance keeps its live
 * users in push_presence. A user's row is inserted as soon as their first connection opens here (from a
 * queue: the request never waits for the database), all this instance's rows are refreshed by one UPDATE
 * every {@code refresh}, and the rows of users gone since the previous refresh are deleted then (not at
 * each close: a long-polling page opens and closes a connection every poll). A graceful stop deletes this
 * instance's rows; a killed instance's rows stop counting once their {@code seen_until} has passed.
 *
 * <p>Writes per instance: one UPDATE per refresh, one INSERT per user arriving (none while their row
 * stands), one DELETE per refresh for those who left, and one DELETE of expired rows.
 */
final class SharedPresence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SharedPresence.class.getName());
    /** Users per DELETE ... IN (...): a bounded statement whatever the crowd that left. */
    private static final int CHUNK = 100;

    private final DbClient db;
    private final Supplier<Set<String>> liveHere;
    private final Predicate<String> isLiveHere;
    private final Duration refresh;
    /** How long a row counts without a refresh: three refreshes, so one failed round loses nobody. */
    private final Duration ttl;
    private final String me = UUID.randomUUID().toString();
    /** Queued by {@link #close()} to wake the worker: compared by identity, never a user id. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String STOP = new String("stop");
    private final LinkedBlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    /** The users whose row this instance wrote (worker thread only). */
    private final Set<String> published = new HashSet<>();
    /** Users who arrived since the last refresh, gone again or not (worker thread only): kept one more round. */
    private final Set<String> touched = new HashSet<>();
    private final Thread worker;
    private volatile boolean running = true;
    private int faults;

    /**
     * @param liveHere   the users live on this instance now
     * @param isLiveHere whether one user is (cheaper than the whole set)
     */
    SharedPresence(DbClient db, Supplier<Set<String>> liveHere, Predicate<String> isLiveHere, Duration refresh) {
        this.db = db;
        this.liveHere = liveHere;
        this.isLiveHere = isLiveHere;
        this.refresh = refresh;
        this.ttl = refresh.multipliedBy(3);
        this.worker = Thread.ofVirtual().name("push-presence").start(this::run);
    }

    /** A user's first connection opened here (called on the request's thread: only queues). */
    void arrived(String userId) {
        arrivals.offer(userId);
    }

    /** Whether the user holds a stream or a poll on this instance or on another one (its row not expired). */
    boolean liveAnywhere(String userId) {
        if (isLiveHere.test(userId)) {
            return true;
        }
        return db.execute().get("SELECT user_id FROM push_presence WHERE user_id = ? AND seen_until > ?",
                userId, Sql.timestamp(Instant.now())).isPresent();
    }

    private void run() {
        Instant refreshAt = Instant.now();
        while (running) {
            try {
                String first = arrivals.poll(Math.max(1, Duration.between(Instant.now(), refreshAt).toMillis()),
                        TimeUnit.MILLISECONDS);
                List<String> arrived = new ArrayList<>();
                if (first != null) {
                    arrived.add(first);
                    arrivals.drainTo(arrived);
                }
                arrived.removeIf(u -> u == STOP);
                if (!running) {
                    return;
                }
                touched.addAll(arrived);
                for (String u : arrived) {
                    if (!published.contains(u)) {
                        insert(u, Instant.now());
                    }
                }
                if (!Instant.now().isBefore(refreshAt)) {
                    refreshAt = Instant.now().plus(refresh);
                    refresh();
                }
                faults = 0;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // what was not written is written at the next refresh (published says what stands)
                if (ErrorHandling.isDatabaseAway(e)) {
                    LOG.log(faults++ == 0 ? Level.WARNING : Level.FINE,
                            "push presence: the database is unavailable: " + DatabaseFaultLog.firstLine(e));
                } else {
                    LOG.log(Level.WARNING, "push presence: " + DatabaseFaultLog.firstLine(e), e);
                }
            }
        }
    }

    private void insert(String userId, Instant now) {
        try {
            db.execute().dml("INSERT INTO push_presence (user_id, instance, seen_until) VALUES (?, ?, ?)",
                    userId, me, Sql.timestamp(now.plus(ttl)));
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
        }
        published.add(userId);
    }

    /** One round: every row of this instance lives on, those who left are removed, the expired swept. */
    private void refresh() {
        Instant now = Instant.now();
        Set<String> live = new HashSet<>(liveHere.get());
        live.addAll(touched);
        touched.clear();
        db.execute().dml("UPDATE push_presence SET seen_until = ? WHERE instance = ?", Sql.timestamp(now.plus(ttl)), me);
        List<String> gone = published.stream().filter(u -> !live.contains(u)).toList();
        for (int i = 0; i < gone.size(); i += CHUNK) {
            List<String> chunk = gone.subList(i, Math.min(gone.size(), i + CHUNK));
            List<Object> params = new ArrayList<>();
            params.add(me);
            params.addAll(chunk);
            db.execute().dml("DELETE FROM push_presence WHERE instance = ? AND user_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")", params.toArray());
            chunk.forEach(published::remove);
        }
        for (String u : live) {
            if (!published.contains(u)) {
                insert(u, now);
            }
        }
        // rows of instances that were killed: nobody else removes them
        db.execute().dml("DELETE FROM push_presence WHERE seen_until < ?", Sql.timestamp(now.minus(ttl)));
    }

    /** Stops refreshing and removes this instance's rows: its users are no longer live here. */
    @Override
    public void close() {
        running = false;
        arrivals.offer(STOP); // wakes the worker without interrupting a statement in progress
        try {
            if (!worker.join(Duration.ofSeconds(5))) {
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            db.execute().dml("DELETE FROM push_presence WHERE instance = ?", me);
        } catch (RuntimeException e) {
            LOG.fine("push presence rows not removed: " + e.getMessage()); // they expire by themselves
        }
    }
}
