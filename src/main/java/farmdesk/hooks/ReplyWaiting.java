package farmdesk.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import farmdesk.Json;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;
import farmdesk.tickets.TicketId;

/**
 * Emits the derived event {@code reply-waiting} (docs/api.md "Webhooks"): a farmer has left an admin's public
 * reply unread for the set time (FARMDESK_REPLY_WAITING_MINUTES) and no push reached them, the hook for the
 * marketplace's SMS. It is stored in the event log like any event, so webhooks deliver it in order, signed,
 * at least once; admin-only on streams (the farmer's own page has nothing to do with it).
 *
 * <p>One event per waiting stretch: the reply is the first public admin reply after the farmer's read mark,
 * with no message of the farmer after it; later replies while it stays unread add none. Each such reply is
 * decided once (row in {@code reply_waiting}, emitted or not), in the same transaction as the event: a
 * restart neither repeats nor loses one, and with several instances (each sweeps) exactly one decides it,
 * since appends are serialised across instances (the check and the insert see every other decision; the
 * primary key backs it).
 */
public final class ReplyWaiting implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReplyWaiting.class.getName());
    /** Replies older than this (Farmdesk was stopped that long) are not reported any more: the sweep is bounded. */
    static final Duration LOOKBACK = Duration.ofDays(1);
    private static final int PAGE = 100;

    private final DbClient db;
    private final EventLog log;
    private final PushReach reach;
    private final Duration wait;
    private final Duration every;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;
    /** Counted down by {@link #close()}: ends the pause between rounds (never an interrupt in the middle of a write). */
    private final CountDownLatch stop = new CountDownLatch(1);
    private int faults;

    private ReplyWaiting(DbClient db, EventLog log, PushReach reach, Duration wait, Clock clock) {
        this.db = db;
        this.log = log;
        this.reach = reach;
        this.wait = wait;
        this.clock = clock;
        // a tenth of the wait (a minute for the default 10), within 100 ms and a minute: the event comes that
        // much after the wait at most, for one indexed query a round
        long tenth = wait.toMillis() / 10;
        this.every = Duration.ofMillis(Math.clamp(tenth, 100, 60_000));
        this.thread = wait.isZero() ? null : Thread.ofVirtual().name("farmdesk-reply-waiting").start(this::run);
    }

    /**
     * Starts the sweep when the wait is set and an endpoint chooses {@code reply-waiting} (nobody else
     * needs it); else a stopped one.
     */
    public static ReplyWaiting start(WebhookSettings settings, DbClient db, EventLog log, PushReach reach) {
        boolean wanted = settings.endpoints().stream().anyMatch(e -> e.types().contains(Event.REPLY_WAITING));
        return new ReplyWaiting(db, log, reach, wanted ? settings.replyWaiting() : Duration.ZERO, Clock.systemUTC());
    }

    private void run() {
        while (running) {
            try {
                if (stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                sweep();
                if (faults > 0) {
                    LOG.info("reply-waiting: reads the database again");
                    faults = 0;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // nothing is lost: the next round finds the same replies. The database away is expected (one
                // line when it starts); anything else is a bug to see whole
                if (ErrorHandling.isDatabaseAway(e) || e instanceof EventLog.Unavailable) {
                    LOG.log(faults++ == 0 ? Level.WARNING : Level.FINE, "reply-waiting: " + DatabaseFaultLog.firstLine(e));
                } else {
                    faults++;
                    LOG.log(Level.WARNING, "reply-waiting: " + DatabaseFaultLog.firstLine(e), e);
                }
            }
        }
    }

    /** A reply waiting for its farmer. */
    private record Waiting(long messageId, long ticketNum, String farmerId, Instant since) {
    }

    /** Decides every reply that has waited long enough, oldest first. */
    void sweep() {
        Instant now = clock.instant();
        List<Waiting> due;
        do {
            due = due(now);
            for (Waiting w : due) {
                if (!running) {
                    return;
                }
                decide(w, now);
            }
        } while (due.size() == PAGE && running);
    }

    /**
     * Public admin replies sent between the lookback and the wait ago that are the first one after the
     * farmer's read mark, with no farmer message after them, and not decided yet.
     */
    private List<Waiting> due(Instant now) {
        String mark = "COALESCE((SELECT r.message_id FROM read_marks r WHERE r.ticket_num = m.ticket_num"
                + " AND r.reader_id = t.farmer_id), 0)";
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT m.id, m.ticket_num, t.farmer_id, m.created_at FROM messages m JOIN tickets t ON t.num = m.ticket_num"
                        + " WHERE m.created_at > ? AND m.created_at <= ? AND m.sender_role = 'admin' AND m.internal = FALSE"
                        + " AND m.id > " + mark
                        + " AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.ticket_num = m.ticket_num AND p.id < m.id"
                        + " AND p.sender_role = 'admin' AND p.internal = FALSE AND p.id > " + mark + ")"
                        + " AND NOT EXISTS (SELECT 1 FROM messages f WHERE f.ticket_num = m.ticket_num AND f.id > m.id"
                        + " AND f.sender_role = 'farmer')"
                        + " AND NOT EXISTS (SELECT 1 FROM reply_waiting w WHERE w.message_id = m.id)"
                        + " ORDER BY m.id LIMIT " + PAGE,
                Sql.timestamp(now.minus(wait).minus(LOOKBACK)), Sql.timestamp(now.minus(wait)))) {
            return rows.map(r -> new Waiting(Sql.longOrZero(r, "id"), Sql.longOrZero(r, "ticket_num"),
                    r.column("farmer_id").getString(), Sql.instant(r, "created_at"))).toList();
        }
    }

    /**
     * Records the decision and, when no push reached the farmer, appends the event, in one write. Inside it,
     * where appends are serialised: skipped when another instance decided first, or the farmer read it since
     * the look above (they may read it a moment later: the event says only that it waited this long).
     */
    private void decide(Waiting w, Instant now) {
        boolean reached = reach.reached(w.farmerId(), w.ticketNum(), w.since()); // outside the write: it may read
        try {
            log.write(tx -> {
                if (tx.db().get("SELECT message_id FROM reply_waiting WHERE message_id = ?", w.messageId()).isPresent()) {
                    return null;
                }
                long read = tx.db().get("SELECT message_id FROM read_marks WHERE ticket_num = ? AND reader_id = ?",
                        w.ticketNum(), w.farmerId()).map(r -> Sql.longOrZero(r, "message_id")).orElse(0L);
                if (read >= w.messageId()) {
                    return null;
                }
                tx.db().dml("INSERT INTO reply_waiting (message_id, ticket_num, emitted, decided_at) VALUES (?, ?, ?, ?)",
                        w.messageId(), w.ticketNum(), !reached, Sql.timestamp(now));
                if (!reached) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("ticketId", TicketId.format(w.ticketNum()));
                    data.put("farmerId", w.farmerId());
                    data.put("messageId", w.messageId());
                    data.put("waitingSince", w.since().toString());
                    tx.append(Event.REPLY_WAITING, w.ticketNum(), w.farmerId(), true, Json.write(data));
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            // another instance decided it between the check and the insert (H2 files shared by nobody: never)
        }
    }

    @Override
    public void close() {
        running = false;
        stop.countDown();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
