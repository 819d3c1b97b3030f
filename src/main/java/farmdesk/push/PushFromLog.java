package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;

import farmdesk.events.CommitSignal;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;

/**
 * Sends the pushes, driven by the durable event log after commit: reads the events after its cursor, in
 * id order (they commit in id order: {@link EventLog}), pushes what each means ({@link PushNotice}) to
 * the subscriptions of the people who are not live here, and only then moves the cursor past the event
 * (row {@code push} of push_cursor). A restart resumes at the cursor: nothing committed is lost, and an
 * event whose pushes were all sent is not pushed again (a stop in the middle of one event's pushes may
 * repeat that event's: the payload carries the event id, and the service worker drops a repeat).
 *
 * <p>Among instances sharing the database one sends at a time: the one holding the cursor row's lease,
 * renewed while it works and taken over by another once it lapses (the holder stopped or died).
 */
final class PushFromLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushFromLog.class.getName());
    private static final String CURSOR = "push";
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final int PAGE = 100;
    /** How long a stop waits for the event in progress before it interrupts the sender. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** How long a push service keeps a message for a device that is offline: a day. */
    private static final Duration TTL = Duration.ofHours(24);

    private final DbClient db;
    private final Subscriptions subscriptions;
    private final PushSender sender;
    private final Predicate<String> live;
    private final CommitSignal commits;
    private final boolean preview;
    private final Duration poll;
    private final String me = UUID.randomUUID().toString();
    private final Thread worker;
    private volatile boolean running = true;
    /** The cursor when the last look found nothing after it; -1 when unknown (not holding the lease). */
    private long caughtUpTo = -1;
    /** Rounds failed in a row because the database was away (logged once per outage). */
    private int faults;

    /**
     * @param live        whether a user has a live stream or poll here (they are not pushed)
     * @param commits     raised when this instance learns of a committed event: while its newest id is not
     *                    past what was handled, an idle sender waits on it and asks the database nothing
     *                    (only renews its lease)
     * @param poll        the fallback: the longest an idle sender waits for the signal before it looks anyway,
     *                    and how often an instance without the lease tries for it
     */
    PushFromLog(DbClient db, Subscriptions subscriptions, PushSender sender, Predicate<String> live,
                CommitSignal commits, boolean preview, Duration poll) {
        this.db = db;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.live = live;
        this.commits = commits;
        this.preview = preview;
        this.poll = poll;
        startCursor();
        this.worker = Thread.ofVirtual().name("push-from-log").start(this::run);
    }

    /**
     * The first instance ever creates the cursor at the newest event: pushes start with what happens from
     * then on, not with the whole history of a database that existed before Web Push.
     */
    private void startCursor() {
        if (db.execute().get("SELECT last_id FROM push_cursor WHERE name = ?", CURSOR).isPresent()) {
            return;
        }
        try {
            db.execute().dml("INSERT INTO push_cursor (name, last_id) VALUES (?, ?)", CURSOR, EventLog.latestId(db));
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    private void run() {
        Instant renewAt = Instant.MIN;
        while (running) {
            try {
                // idle, caught up and holding the lease: nothing to ask the database (an idle instance
                // wrote its lease and read the log five times a second before); the lease is renewed at a
                // third of its time, which also bounds how late an event the relay never told of is seen
                Instant now = Instant.now();
                if (caughtUpTo >= 0 && commits.newest() <= caughtUpTo && now.isBefore(renewAt)) {
                    // woken by the commit of the next event (here or, through the relay, elsewhere); the poll is
                    // only the fallback for a signal missed
                    Duration untilRenewal = Duration.between(now, renewAt);
                    commits.awaitPast(caughtUpTo, untilRenewal.compareTo(poll) < 0 ? untilRenewal : poll);
                    continue;
                }
                if (!holdLease()) {
                    caughtUpTo = -1;
                    Thread.sleep(poll.toMillis());
                    continue;
                }
                renewAt = now.plus(LEASE.dividedBy(3));
                faults = 0;
                if (!sendNext() && caughtUpTo < 0) {
                    Thread.sleep(poll.toMillis()); // lost the lease meanwhile (caught up: the wait above is on the signal)
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the cursor did not move: the next round tries again. The database away is an expected fault
                // (one line when it starts, no stack trace: docs/deploy.md); anything else is a bug to see whole
                if (ErrorHandling.isDatabaseAway(e)) {
                    LOG.log(faults++ == 0 ? Level.WARNING : Level.FINE,
                            "push sender: the database is unavailable: " + DatabaseFaultLog.firstLine(e));
                } else {
                    LOG.log(Level.WARNING, "push sender: " + DatabaseFaultLog.firstLine(e), e);
                }
                try {
                    Thread.sleep(Math.max(1000, poll.toMillis()));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Takes or renews the lease; true when this instance is the one sending. */
    private boolean holdLease() {
        Instant now = Instant.now();
        return db.execute().dml("UPDATE push_cursor SET owner = ?, lease_until = ? WHERE name = ?"
                        + " AND (owner IS NULL OR owner = ? OR lease_until < ?)",
                me, Sql.timestamp(now.plus(LEASE)), CURSOR, me, Sql.timestamp(now)) > 0;
    }

    /** Handles the events after the cursor, one page; true when there were any. */
    private boolean sendNext() throws InterruptedException {
        long cursor = db.execute().get("SELECT last_id FROM push_cursor WHERE name = ?", CURSOR)
                .map(r -> Sql.longOrZero(r, "last_id")).orElseThrow();
        List<Event> events = EventLog.readRange(db, cursor, Long.MAX_VALUE, PAGE);
        caughtUpTo = events.isEmpty() ? cursor : -1;
        for (Event e : events) {
            if (!running) {
                return true;
            }
            push(e);
            // only the lease holder moves the cursor: one that lost its lease meanwhile stops here
            if (db.execute().dml("UPDATE push_cursor SET last_id = ? WHERE name = ? AND owner = ? AND last_id = ?",
                    e.id(), CURSOR, me, cursor) == 0) {
                return false;
            }
            cursor = e.id();
        }
        return !events.isEmpty();
    }

    private void push(Event event) throws InterruptedException {
        PushNotice notice = PushNotice.of(event, preview);
        if (notice == null) {
            return;
        }
        List<Subscription> to = notice.toFarmer() != null
                ? subscriptions.ofUser(notice.toFarmer(), "farmer")
                : subscriptions.ofRole("admin");
        for (Subscription s : to) {
            if (live.test(s.userId())) {
                continue; // on the page now: the stream shows it
            }
            PushSender.Outcome outcome;
            try {
                outcome = sender.send(s, notice.payload(), TTL, notice.urgency());
            } catch (RuntimeException e) {
                // one unusable subscription (say, a URL the HTTP client refuses) must not stop everyone's pushes
                LOG.log(Level.WARNING, "push for event " + event.id() + " to " + s.endpoint() + " not sent", e);
                continue;
            }
            if (outcome == PushSender.Outcome.GONE) {
                subscriptions.gone(s.endpoint());
            }
        }
    }

    /**
     * Stops after the event in progress: its pushes are sent and the cursor moved (not interrupted: a push
     * the service took, cut before its answer, would be sent again at the next start); interrupted only
     * when that takes longer than {@link #STOP_WAIT} (a push service that keeps it waiting or retrying).
     */
    @Override
    public void close() {
        running = false;
        try {
            if (!worker.join(STOP_WAIT)) {
                worker.interrupt();
                worker.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            db.execute().dml("UPDATE push_cursor SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = ?", CURSOR, me);
        } catch (RuntimeException e) {
            LOG.fine("push lease not released: " + e.getMessage()); // it lapses by itself
        }
    }
}
