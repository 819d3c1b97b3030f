package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

import farmdesk.events.CommitSignal;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;
import farmdesk.storage.Transactions;
import farmdesk.tickets.TicketId;

/**
 * Sends the pushes, driven by the durable event log after commit, in two steps on one thread:
 * <ol>
 * <li>reads the events after its cursor, in id order (they commit in id order: {@link EventLog}), and turns
 * what each means ({@link PushNotice}) into pending rows of the people it is for ({@link NoticeBook}), in the
 * same transaction that moves the cursor (row {@code push} of push_cursor) past them;</li>
 * <li>sends the rows that are due (the grace period and the grouping window have passed), to each
 * subscription of the person, unless they are live on some instance or have read it meanwhile, and then
 * marks the row done.</li>
 * </ol>
 * A restart resumes at the cursor and at the rows still pending: nothing committed is lost, and a row
 * whose pushes were sent is not sent again (a stop in the middle of one row's pushes may repeat them: the
 * payload carries the newest event id, and the service worker drops a repeat).
 *
 * <p>Among instances sharing the database one sends at a time: the one holding the cursor row's lease,
 * renewed while it works and taken over by another once it lapses (the holder stopped or died).
 */
final class PushFromLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushFromLog.class.getName());
    private static final String CURSOR = "push";
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final int PAGE = 100;
    /** How often the lease holder forgets old rows of push_notices. */
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    /** How long a stop waits for the row in progress before it interrupts the sender. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** How long a push service keeps a message for a device that is offline: a day. */
    private static final Duration TTL = Duration.ofHours(24);

    /** The cursor moved on without this instance: another took the lease over. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    private final DbClient db;
    private final Subscriptions subscriptions;
    private final PushSender sender;
    private final NoticeBook book;
    private final ReadMarks reads;
    private final Predicate<String> liveAnywhere;
    private final CommitSignal commits;
    private final boolean preview;
    private final Duration poll;
    private final String me = UUID.randomUUID().toString();
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean holding;
    /** The cursor when the last look found nothing after it; -1 when unknown (not holding the lease). */
    private long caughtUpTo = -1;
    /** When the next pending row comes due (as of the last look); {@link Instant#MIN}: look again. */
    private Instant nextDue = Instant.MIN;
    /** Rounds failed in a row because the database was away (logged once per outage). */
    private int faults;

    /**
     * @param liveAnywhere whether a user has a live stream or poll on some instance (they are not pushed)
     * @param commits      raised when this instance learns of a committed event: while its newest id is not
     *                     past what was handled, an idle sender waits on it and asks the database nothing
     *                     (only renews its lease)
     * @param poll         the fallback: the longest an idle sender waits for the signal before it looks anyway,
     *                     and how often an instance without the lease tries for it
     */
    PushFromLog(DbClient db, Subscriptions subscriptions, PushSender sender, NoticeBook book, Predicate<String> liveAnywhere,
                CommitSignal commits, boolean preview, Duration poll) {
        this.db = db;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.book = book;
        this.reads = new ReadMarks(db);
        this.liveAnywhere = liveAnywhere;
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

    /** Whether this instance holds the lease (is the one sending): tests pick the other instance with it. */
    boolean sending() {
        return holding;
    }

    private void run() {
        Instant renewAt = Instant.MIN;
        Instant pruneAt = Instant.MIN;
        while (running) {
            try {
                // idle, caught up, nothing due and holding the lease: nothing to ask the database; the lease is
                // renewed at a third of its time, which also bounds how late an event the relay never told of is seen
                Instant now = Instant.now();
                if (caughtUpTo >= 0 && commits.newest() <= caughtUpTo && now.isBefore(renewAt)
                        && now.isBefore(nextDue)) {
                    // woken by the commit of the next event (here or, through the relay, elsewhere), or when the
                    // next pending notice falls due or the lease needs renewing; the poll is only the fallback
                    // for a signal missed
                    commits.awaitPast(caughtUpTo, shortest(Duration.between(now, renewAt), Duration.between(now, nextDue), poll),
                            () -> !running);
                    continue;
                }
                if (!holdLease()) {
                    holding = false;
                    caughtUpTo = -1;
                    nextDue = Instant.MIN;
                    idle();
                    continue;
                }
                holding = true;
                renewAt = now.plus(LEASE.dividedBy(3));
                faults = 0;
                if (!now.isBefore(pruneAt)) {
                    pruneAt = now.plus(PRUNE_EVERY);
                    book.prune(now);
                }
                boolean worked = foldNext();
                worked |= sendDue();
                if (!worked && caughtUpTo < 0) {
                    idle(); // lost the lease meanwhile (caught up: the wait above is on the signal)
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
                nextDue = Instant.MIN;
                try {
                    pause(Duration.ofMillis(Math.max(1000, poll.toMillis())));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** The wait of a round that could not look (no lease): the fallback poll. */
    private void idle() throws InterruptedException {
        pause(poll);
    }

    /**
     * Waits {@code d}, or less when {@link #close()} says stop: every wait of the worker ends at a stop (a
     * wait that did not held each graceful stop up to {@link #STOP_WAIT}: 10 s more per server stop in CI).
     */
    private void pause(Duration d) throws InterruptedException {
        commits.awaitPast(Long.MAX_VALUE, d, () -> !running);
    }

    private static Duration shortest(Duration a, Duration b, Duration c) {
        Duration ab = a.compareTo(b) < 0 ? a : b;
        return ab.compareTo(c) < 0 ? ab : c;
    }

    /** Takes or renews the lease; true when this instance is the one sending. */
    private boolean holdLease() {
        Instant now = Instant.now();
        return db.execute().dml("UPDATE push_cursor SET owner = ?, lease_until = ? WHERE name = ?"
                        + " AND (owner IS NULL OR owner = ? OR lease_until < ?)",
                me, Sql.timestamp(now.plus(LEASE)), CURSOR, me, Sql.timestamp(now)) > 0;
    }

    /**
     * Turns the events after the cursor (one page) into pending rows and moves the cursor past them, in one
     * transaction; true when there were any.
     */
    private boolean foldNext() {
        long cursor = db.execute().get("SELECT last_id FROM push_cursor WHERE name = ?", CURSOR)
                .map(r -> Sql.longOrZero(r, "last_id")).orElseThrow();
        List<Event> events = EventLog.readRange(db, cursor, Long.MAX_VALUE, PAGE);
        caughtUpTo = events.isEmpty() ? cursor : -1;
        if (events.isEmpty()) {
            return false;
        }
        Instant now = Instant.now();
        try {
            Transactions.inOne(db, tx -> {
                for (Event e : events) {
                    fold(tx, e, now);
                }
                // only the lease holder moves the cursor: one that lost its lease meanwhile changes nothing
                if (tx.dml("UPDATE push_cursor SET last_id = ? WHERE name = ? AND owner = ? AND last_id = ?",
                        events.getLast().id(), CURSOR, me, cursor) == 0) {
                    throw new LeaseLost();
                }
                return null;
            });
        } catch (LeaseLost lost) {
            return false;
        }
        nextDue = Instant.MIN; // rows were added: look at what is due
        return true;
    }

    private void fold(DbTransaction tx, Event e, Instant now) {
        PushNotice notice = PushNotice.of(e, preview);
        if (notice == null) {
            return;
        }
        List<String> users = switch (notice.to()) {
            case FARMER -> Subscriptions.users(tx, "farmer", notice.userId());
            case ASSIGNEE -> Subscriptions.users(tx, "admin", notice.userId());
            case EVERY_ADMIN -> Subscriptions.users(tx, "admin", null);
        };
        String role = notice.to() == PushNotice.To.FARMER ? "farmer" : "admin";
        for (String user : users) {
            book.fold(tx, user, role, e.ticket(), e.id(), notice, now);
        }
    }

    /** Sends the rows due now (one page); true when there were any. */
    private boolean sendDue() throws InterruptedException {
        Instant now = Instant.now();
        if (now.isBefore(nextDue)) {
            return false;
        }
        List<NoticeBook.Due> due = book.due(now, PAGE);
        if (due.isEmpty()) {
            nextDue = book.nextDue().orElse(Instant.MAX);
            return false;
        }
        for (NoticeBook.Due d : due) {
            if (!running) {
                return true;
            }
            push(d);
        }
        return true;
    }

    private void push(NoticeBook.Due d) throws InterruptedException {
        if (liveAnywhere.test(d.userId())
                || (d.messageId() != null && reads.hasRead(d.role(), d.userId(), d.ticketNum(), d.messageId()))) {
            book.done(d, null, null); // on the page now (the stream shows it), or read already: no push
            return;
        }
        byte[] payload = PushNotice.payload(d.eventId(), d.kind(), TicketId.format(d.ticketNum()), d.title(), d.text(),
                d.pending());
        Instant reached = null;
        boolean sent = false;
        for (Subscription s : subscriptions.ofUser(d.userId(), d.role())) {
            sent = true;
            PushSender.Outcome outcome;
            try {
                outcome = sender.send(s, payload, TTL, d.urgency());
            } catch (RuntimeException e) {
                // one unusable subscription (say, a URL the HTTP client refuses) must not stop everyone's pushes
                LOG.log(Level.WARNING, "push for event " + d.eventId() + " to " + s.endpoint() + " not sent", e);
                continue;
            }
            if (outcome == PushSender.Outcome.SENT) {
                reached = Instant.now();
            } else if (outcome == PushSender.Outcome.GONE) {
                subscriptions.gone(s.endpoint());
            }
        }
        book.done(d, sent ? Instant.now() : null, reached); // no subscription left: no window starts
    }

    /**
     * Stops after the row in progress: its pushes are sent and the row marked (not interrupted: a push the
     * service took, cut before its answer, would be sent again at the next start); interrupted only when
     * that takes longer than {@link #STOP_WAIT} (a push service that keeps it waiting or retrying).
     */
    @Override
    public void close() {
        running = false;
        commits.wakeAll(); // ends the worker's wait (on the signal, or its fallback) at once
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
