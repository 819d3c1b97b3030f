package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * users in push_presence. A user's row is inserted as soon as their first connection opens here, and
 * deleted {@link #LINGER} after their last one closed if they have not come back meanwhile (a long-polling
 * page closes and reopens a connection every poll: no write for that). All this instance's rows are
 * refreshed by one UPDATE every {@code refresh}. The requests never wait for any of it: they only queue
 * the change for this class's thread. A graceful stop deletes this instance's rows; a killed instance's
 * rows stop counting once their {@code seen_until} has passed.
 *
 * <p>Writes per instance: one INSERT per user arriving (none while their row stands), one DELETE per user
 * leaving for good, and per refresh one UPDATE and one DELETE of expired rows (those of killed instances).
 */
final class SharedPresence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SharedPresence.class.getName());
    /**
     * How long after a user's last connection closed their row is deleted, unless they came back: longer
     * than the gap between two polls of a page on a slow network, short beside the push grace period.
     */
    static final Duration LINGER = Duration.ofSeconds(5);

    /** A user's first connection here opened, or their last one closed. */
    private record Change(String userId, boolean arrived) {
    }

    /** Queued by {@link #close()} to wake the worker. */
    private static final Change STOP = new Change("", false);

    private final DbClient db;
    private final Supplier<Set<String>> liveHere;
    private final Predicate<String> isLiveHere;
    private final Duration refresh;
    /** How long a row counts without a refresh: three refreshes, so one failed round loses nobody. */
    private final Duration ttl;
    private final String me = UUID.randomUUID().toString();
    private final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    /** The users whose row this instance wrote (worker thread only). */
    private final Set<String> published = new HashSet<>();
    /** Users whose last connection closed, and when to delete their row if they are still away (worker only). */
    private final Map<String, Instant> leaving = new HashMap<>();
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
        changes.offer(new Change(userId, true));
    }

    /** A user's last connection here closed (called on the request's thread: only queues). */
    void departed(String userId) {
        changes.offer(new Change(userId, false));
    }

    /** Whether the user holds a stream or a poll on this instance or on another one (its row not expired). */
    boolean liveAnywhere(String userId) {
        if (isLiveHere.test(userId)) {
            return true;
        }
        // this instance's own rows lag (a user who left lingers): here the in-memory answer is the exact one
        return db.execute().get("SELECT user_id FROM push_presence WHERE user_id = ? AND instance <> ? AND seen_until > ?",
                userId, me, Sql.timestamp(Instant.now())).isPresent();
    }

    private void run() {
        Instant refreshAt = Instant.now();
        while (running) {
            try {
                Instant wake = leaving.values().stream().min(Instant::compareTo)
                        .filter(refreshAt::isAfter).orElse(refreshAt);
                Change first = changes.poll(Math.max(1, Duration.between(Instant.now(), wake).toMillis()),
                        TimeUnit.MILLISECONDS);
                List<Change> batch = new ArrayList<>();
                if (first != null) {
                    batch.add(first);
                    changes.drainTo(batch);
                }
                if (!running || batch.stream().anyMatch(c -> c == STOP)) {
                    return;
                }
                Instant now = Instant.now();
                for (Change c : batch) {
                    if (!c.arrived()) {
                        leaving.put(c.userId(), now.plus(LINGER));
                    } else {
                        leaving.remove(c.userId());
                        if (!published.contains(c.userId())) {
                            insert(c.userId(), now);
                        }
                    }
                }
                removeGone(now);
                if (!now.isBefore(refreshAt)) {
                    refreshAt = now.plus(refresh);
                    refresh(now);
                }
                faults = 0;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the next refresh writes every live user's row again: during a long outage another instance
                // may have swept this one's rows as expired
                published.clear();
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

    /** Deletes the rows of users who left {@link #LINGER} ago and did not come back. */
    private void removeGone(Instant now) {
        for (Iterator<Map.Entry<String, Instant>> i = leaving.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Instant> e = i.next();
            if (e.getValue().isAfter(now)) {
                continue;
            }
            String user = e.getKey();
            if (published.contains(user) && !isLiveHere.test(user)) {
                db.execute().dml("DELETE FROM push_presence WHERE instance = ? AND user_id = ?", me, user);
                published.remove(user);
            }
            i.remove();
        }
    }

    /** One round: every row of this instance lives on; rows missing (a failed insert) are written; the expired swept. */
    private void refresh(Instant now) {
        db.execute().dml("UPDATE push_presence SET seen_until = ? WHERE instance = ?", Sql.timestamp(now.plus(ttl)), me);
        for (String u : liveHere.get()) {
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
        changes.offer(STOP); // wakes the worker without interrupting a statement in progress
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
