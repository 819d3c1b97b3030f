package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import farmdesk.auth.Access;
import farmdesk.storage.Sql;
import farmdesk.storage.PoolShare;

/**
 * The durable event log, and the only way to change stored state.
 *
 * <p>Ordering: appends are serialised ({@link Appender}), so event ids commit in id order. That is
 * what lets a client resume with "every event after id M": no event below M can commit after M was
 * seen. (Ids taken from a sequence by concurrent transactions would commit out of order and a resume
 * could skip one.) Events are handed to the {@link Sequencer} after commit and still under the lock,
 * so live delivery follows the same order; across instances the {@link Relay} extends the lock to the
 * database.
 */
public final class EventLog {

    /** A change to stored state; runs in one transaction together with the events it appends. */
    @FunctionalInterface
    public interface Work<R> {
        R run(LogTransaction tx);
    }

    private final DbClient db;
    private final Sequencer sequencer;
    private final Relay relay;
    private final Appender appender;
    private final PoolShare reads;

    public EventLog(DbClient db, Sequencer sequencer, Relay relay) {
        this(db, sequencer, relay, PoolShare.unlimited());
    }

    /** @param reads the share of the pool that replays read through (the rest stays free for writes) */
    public EventLog(DbClient db, Sequencer sequencer, Relay relay, PoolShare reads) {
        this.db = db;
        this.sequencer = sequencer;
        this.relay = relay;
        this.reads = reads;
        this.appender = new Appender(db, sequencer, relay);
    }

    /**
     * Runs {@code work} in a transaction (shared with other writes queued at the same moment: group
     * commit); on commit its events are published in order. If it throws, what it did is undone,
     * nothing of it is published, and the exception reaches the caller.
     */
    public <R> R write(Work<R> work) {
        return appender.write(work);
    }

    /** Writes waiting to be run (for tests). */
    int queuedWrites() {
        return appender.queued();
    }

    /**
     * Stops taking writes: waits (bounded) for the writes in progress to commit, so a shutdown never
     * cuts a transaction half way; later writes answer 503.
     */
    public void close() {
        appender.close();
    }

    /** The log cannot take a write now (the database is slow or away, or the service is stopping): 503. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** A live-only event: straight to the streams here and on other instances, never stored. */
    public void publishLive(Event event) {
        sequencer.live(event);
        relay.announceLive(event);
    }

    /**
     * Up to {@code limit} stored events after id {@code after} that the audience may see, oldest first
     * (read through a {@link Feed}, which orders the replay against live delivery), including
     * everything this instance has committed: from memory when it reaches back to {@code after} (the
     * usual resume or poll), else from the database. Null when {@code after} is not an id the log holds:
     * pruned by retention, lost by a restore from a backup, or never handed out (beyond the log,
     * invented). The client must then reload ({@code reset}): what lies between its id and the oldest
     * event kept is gone, and resuming at the next id up would skip it without a word. {@code 0}
     * ("before the first event") is always held.
     *
     * <p>Cost: nothing when memory holds {@code after} (a binary search); else one point lookup on the
     * primary key, and one more after each page read from the database. Nothing per event.
     */
    List<Event> readAfter(long after, Audience audience, int limit) {
        if (after != 0 && !sequencer.recentHolds(after) && !reads.use(() -> holdsStored(after))) {
            return null;
        }
        // read-your-writes: memory only answers once it holds everything this instance committed
        // (the sequencer delivers a few microseconds after commit; a poll right after a 201 must see it)
        long committed = appender.lastCommitted();
        if (sequencer.delivered() >= committed) {
            List<Event> recent = sequencer.recentAfter(after, audience, limit);
            if (recent != null) {
                return recent;
            }
        }
        // checked again after the read: retention deletes the oldest events first, so while `after` is
        // still there nothing above it was deleted and the page has no hole; if it went meanwhile, the
        // page may lack events pruned between the check above and the read
        return reads.use(() -> {
            List<Event> page = readStored(after, audience, limit);
            return after == 0 || holdsStored(after) ? page : null;
        });
    }

    /**
     * Retention deleted the events up to {@code id} (here or on another instance): the recent events in
     * memory drop them too, so that every instance answers a resume from a pruned id with a reset.
     */
    void pruned(long id) {
        sequencer.forgetUpTo(id);
    }

    /** Whether the event {@code id} is stored: one point lookup on the primary key. */
    boolean holdsStored(long id) {
        return db.execute().get("SELECT id FROM events WHERE id = ?", id).isPresent();
    }

    /**
     * From the database: {@link Audience#accepts} in SQL, the topic here and who may see what from
     * {@link Access} (stored events are never a live echo).
     */
    List<Event> readStored(long after, Audience audience, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, type, ticket_num, farmer_id, admin_only, data FROM events WHERE id > ?");
        List<Object> params = new ArrayList<>(3);
        params.add(after);
        switch (audience.topic()) {
            case Topic.Ticket t -> {
                sql.append(" AND ticket_num = ?");
                params.add(t.ticket());
            }
            case Topic.Farmer f -> {
                sql.append(" AND farmer_id = ?");
                params.add(f.farmerId());
            }
            case Topic.All a -> { }
        }
        Access.Where visible = audience.access().where("farmer_id", "admin_only");
        sql.append(" AND ").append(visible.sql());
        params.addAll(visible.params());
        sql.append(" ORDER BY id LIMIT ").append(Math.max(1, limit));
        try (Stream<DbRow> rows = db.execute().query(sql.toString(), params.toArray())) {
            return rows.map(EventLog::toEvent).toList();
        }
    }

    /** The id of the newest stored event, 0 when the log is empty. */
    public long latestId() {
        return latestId(db);
    }

    /**
     * The newest id this instance knows to be committed, from memory: a stream opened without a resume id
     * starts after it ("from now"), so an event committed just before it opened, and not yet delivered,
     * is not sent to it.
     */
    long newestKnown() {
        return Math.max(appender.lastCommitted(), sequencer.delivered());
    }

    public static long latestId(DbClient db) {
        return db.execute().get("SELECT MAX(id) AS latest FROM events")
                .map(r -> Sql.longOrZero(r, "latest"))
                .orElse(0L);
    }

    /** Every stored event with {@code after < id <= upTo}, whoever may see it: what the sequencer delivers. */
    public static List<Event> readRange(DbClient db, long after, long upTo, int limit) {
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT id, type, ticket_num, farmer_id, admin_only, data FROM events WHERE id > ? AND id <= ?"
                        + " ORDER BY id LIMIT " + Math.max(1, limit), after, upTo)) {
            return rows.map(EventLog::toEvent).toList();
        }
    }

    private static Event toEvent(DbRow r) {
        return Event.stored(
                Sql.longOrZero(r, "id"),
                r.column("type").getString(),
                Sql.longOrZero(r, "ticket_num"),
                r.column("farmer_id").getString(),
                r.column("admin_only").get(Boolean.class),
                r.column("data").getString());
    }
}
