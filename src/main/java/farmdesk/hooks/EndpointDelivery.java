package farmdesk.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import farmdesk.events.CommitSignal;
import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;

/**
 * Delivers the log to one endpoint, on its own virtual thread: in id order, each event until the receiver
 * answers 2xx (at least once), the cursor moved in the database after each. Reads the log from the
 * database by id, holding a connection only for each short statement, never while sending or waiting;
 * so posting and streams never wait for a receiver.
 */
final class EndpointDelivery {

    private static final Logger LOG = Logger.getLogger(EndpointDelivery.class.getName());
    private static final int BATCH = 100;

    private final WebhookEndpoint endpoint;
    private final DbClient db;
    private final CursorStore cursors;
    private final Lease lease;
    private final Sender sender;
    private final Backoff backoff;
    private final Duration pauseAfter;
    private final CommitSignal commits;
    /** An idle endpoint reads its cursor again at least this often (a resume elsewhere, another holder's progress, a missed signal). */
    private final Duration fallback;
    private final Clock clock;
    private volatile boolean running = true;
    /** Set by {@link #wake()}, cleared when the idle wait ends. */
    private volatile boolean woken;
    private Thread thread;

    EndpointDelivery(WebhookEndpoint endpoint, DbClient db, CursorStore cursors, Lease lease, Sender sender,
                     WebhookSettings settings, CommitSignal commits, Clock clock) {
        this.endpoint = endpoint;
        this.db = db;
        this.cursors = cursors;
        this.lease = lease;
        this.sender = sender;
        this.backoff = new Backoff(settings.firstRetry(), settings.maxRetry());
        this.pauseAfter = settings.pauseAfter();
        this.commits = commits;
        this.fallback = settings.idleFallback();
        this.clock = clock;
    }

    void start() {
        thread = Thread.ofVirtual().name("farmdesk-webhook-" + endpoint.number()).start(this::run);
    }

    /** Wakes the thread now (an admin resumed the endpoint, the lease was taken): every idle follower looks. */
    void wake() {
        woken = true;
        commits.wakeAll();
    }

    private void run() {
        int faults = 0;
        while (running) {
            try {
                if (!lease.held()) {
                    idle(Long.MAX_VALUE);
                    continue;
                }
                Cursor cursor = cursors.open(endpoint);
                if (faults > 0) {
                    LOG.info("webhooks: endpoint " + endpoint.number() + " reads the database again");
                    faults = 0;
                }
                if (cursor.paused()) {
                    idle(Long.MAX_VALUE);
                    continue;
                }
                if (!deliverAfter(cursor)) {
                    idle(cursor.lastId());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // nothing is lost (the cursor is durable); try again in a moment. The database away is an
                // expected fault (one line when it starts, no stack trace); anything else is a bug to see whole
                String what = "webhooks: endpoint " + endpoint.number() + " cannot read or move its cursor: "
                        + DatabaseFaultLog.firstLine(e);
                if (ErrorHandling.isDatabaseAway(e)) {
                    LOG.log(faults++ == 0 ? Level.WARNING : Level.FINE, what);
                } else {
                    faults++;
                    LOG.log(Level.WARNING, what, e);
                }
                try {
                    Thread.sleep(backoff.after(Math.min(faults, 5)).toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * One batch of the log after the cursor. True when there may be more at once (it moved, or a retry is
     * due); false when it is caught up.
     */
    private boolean deliverAfter(Cursor cursor) throws InterruptedException {
        List<StoredEvent> batch = readAfter(cursor.lastId());
        if (batch.isEmpty()) {
            return false;
        }
        long skippedTo = 0; // events not chosen by this endpoint: the cursor passes them with the next move
        for (StoredEvent e : batch) {
            if (!running || !lease.held()) {
                return true;
            }
            if (!endpoint.wants(e.type(), e.internal())) {
                skippedTo = e.id();
                continue;
            }
            String failure = sender.send(endpoint, e);
            if (failure != null) {
                if (skippedTo != 0) {
                    cursors.advance(endpoint, skippedTo, 0, lease.holder(), clock.instant());
                }
                failed(cursor, e, failure);
                return true;
            }
            skippedTo = 0;
            if (!cursors.advance(endpoint, e.id(), 1, lease.holder(), clock.instant())) {
                return true; // the lease went to another instance (or its cursor is past this): it goes on from there
            }
            cursor = new Cursor(e.id(), cursor.delivered() + 1, null, 0, null, false);
        }
        if (skippedTo != 0) {
            cursors.advance(endpoint, skippedTo, 0, lease.holder(), clock.instant());
        }
        return true;
    }

    private void failed(Cursor cursor, StoredEvent e, String failure) throws InterruptedException {
        Instant now = clock.instant();
        cursors.failed(endpoint, failure, now);
        Instant since = cursor.failingSince() != null ? cursor.failingSince() : now;
        int attempts = cursor.attempts() + 1;
        if (cursor.failingSince() == null) {
            LOG.warning("webhooks: endpoint " + endpoint.number() + " (" + endpoint.shownUrl() + ") failed event " + e.id()
                    + ": " + failure + "; retrying with backoff");
        }
        if (Duration.between(since, now).compareTo(pauseAfter) >= 0) {
            cursors.pause(endpoint);
            LOG.warning("webhooks: endpoint " + endpoint.number() + " (" + endpoint.shownUrl() + ") PAUSED after failing since "
                    + since + " (last: " + failure + "); resume with POST /api/admin/webhooks/" + endpoint.number() + "/resume");
            return;
        }
        Thread.sleep(backoff.after(attempts).toMillis());
    }

    /**
     * Waits until the log grows past {@code after} (the commit signal: this instance's sequencer delivers every
     * event committed on any instance), the fallback passes, or {@link #wake()}.
     */
    private void idle(long after) throws InterruptedException {
        if (running) {
            commits.awaitPast(after, fallback, () -> woken || !running);
        }
        woken = false;
    }

    private List<StoredEvent> readAfter(long after) {
        try (Stream<DbRow> rows = db.execute().query("SELECT id, type, admin_only, data, created_at FROM events WHERE id > ?"
                + " ORDER BY id LIMIT " + BATCH, after)) {
            return rows.map(r -> new StoredEvent(Sql.longOrZero(r, "id"), r.column("type").getString(),
                    Boolean.TRUE.equals(Sql.value(r, "admin_only")), r.column("data").getString(),
                    Sql.instant(r, "created_at"))).toList();
        }
    }

    void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
