package farmdesk.push;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import farmdesk.storage.Sql;

/**
 * The notices waiting to be pushed, one row per person and ticket (table push_notices, V9): events are
 * folded in as the log is read (a count, the newest event's id and words), and the row comes due when the
 * grace period has passed since its first event and the grouping window since the last push to that person
 * about that ticket. After the push (or the decision not to push: live, or read) the row keeps when it was
 * last pushed and last accepted by a push service.
 */
final class NoticeBook {

    /** A row with notices pending. */
    record Due(String userId, String role, long ticketNum, int pending, long eventId, String kind, String title,
               String text, String urgency, Long messageId) {
    }

    /** How long a row with nothing pending is kept: what {@link WebPush#reached} can answer about. */
    static final Duration KEEP = Duration.ofDays(1);

    private final DbClient db;
    private final Duration grace;
    private final Duration group;

    NoticeBook(DbClient db, Duration grace, Duration group) {
        this.db = db;
        this.grace = grace;
        this.group = group;
    }

    /** Folds one notice about event {@code eventId} into the person's row for the ticket (in the caller's transaction). */
    void fold(DbExecute tx, String userId, String role, long ticketNum, long eventId, PushNotice n, Instant now) {
        Optional<DbRow> row = tx.get("SELECT pending, urgency, message_id, due_at, pushed_at FROM push_notices"
                + " WHERE user_id = ? AND user_role = ? AND ticket_num = ?", userId, role, ticketNum);
        if (row.isEmpty()) {
            tx.dml("INSERT INTO push_notices (user_id, user_role, ticket_num, pending, event_id, kind, title, body,"
                            + " urgency, message_id, due_at, touched_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    userId, role, ticketNum, eventId, n.kind(), n.title(), n.text(), n.urgency(), n.messageId(),
                    Sql.timestamp(now.plus(grace)), Sql.timestamp(now));
            return;
        }
        DbRow r = row.get();
        boolean pending = Sql.longOrZero(r, "pending") > 0;
        Instant due = Sql.instant(r, "due_at");
        if (!pending || due == null) {
            // the first notice of a new group: its grace, and not before the window of the last push has passed
            due = now.plus(grace);
            Instant pushed = Sql.instant(r, "pushed_at");
            if (pushed != null && pushed.plus(group).isAfter(due)) {
                due = pushed.plus(group);
            }
        }
        Long messageId = n.messageId() != null ? n.messageId() : pending ? Sql.nullableLong(r, "message_id") : null;
        String urgency = pending && "high".equals(r.column("urgency").asOptional().orElse(null)) ? "high" : n.urgency();
        tx.dml("UPDATE push_notices SET pending = pending + 1, event_id = ?, kind = ?, title = ?, body = ?, urgency = ?,"
                        + " message_id = ?, due_at = ?, touched_at = ? WHERE user_id = ? AND user_role = ? AND ticket_num = ?",
                eventId, n.kind(), n.title(), n.text(), urgency, messageId, Sql.timestamp(due), Sql.timestamp(now),
                userId, role, ticketNum);
    }

    /** The rows due at {@code now}, the earliest first. */
    List<Due> due(Instant now, int limit) {
        try (Stream<DbRow> rows = db.execute().query("SELECT user_id, user_role, ticket_num, pending, event_id, kind,"
                + " title, body, urgency, message_id FROM push_notices WHERE due_at <= ? ORDER BY due_at, event_id"
                + " LIMIT " + Math.max(1, limit), Sql.timestamp(now))) {
            return rows.map(r -> new Due(r.column("user_id").getString(), r.column("user_role").getString(),
                    Sql.longOrZero(r, "ticket_num"), (int) Sql.longOrZero(r, "pending"), Sql.longOrZero(r, "event_id"),
                    r.column("kind").getString(), r.column("title").getString(),
                    (String) r.column("body").asOptional().orElse(null), r.column("urgency").getString(),
                    Sql.nullableLong(r, "message_id"))).toList();
        }
    }

    /** When the next row comes due, or empty when none is pending. */
    Optional<Instant> nextDue() {
        return db.execute().get("SELECT MIN(due_at) AS next FROM push_notices").map(r -> Sql.instant(r, "next"));
    }

    /**
     * The row's pending notices are dealt with: pushed at {@code pushedAt} (null: not pushed, the person was
     * live or had read them), accepted by a push service at {@code reachedAt} (null: by none).
     */
    void done(Due d, Instant pushedAt, Instant reachedAt) {
        Instant now = Instant.now();
        long cleared = db.execute().dml("UPDATE push_notices SET pending = 0, due_at = NULL, message_id = NULL,"
                        + " pushed_at = COALESCE(?, pushed_at), reached_at = COALESCE(?, reached_at), touched_at = ?"
                        + " WHERE user_id = ? AND user_role = ? AND ticket_num = ? AND event_id = ?",
                ts(pushedAt), ts(reachedAt), Sql.timestamp(now), d.userId(), d.role(), d.ticketNum(), d.eventId());
        if (cleared == 0) {
            // a newer event was folded in meanwhile (another instance took the lease over): it stays pending
            db.execute().dml("UPDATE push_notices SET pushed_at = COALESCE(?, pushed_at), reached_at = COALESCE(?, reached_at)"
                            + " WHERE user_id = ? AND user_role = ? AND ticket_num = ?",
                    ts(pushedAt), ts(reachedAt), d.userId(), d.role(), d.ticketNum());
        }
    }

    /** Whether a push service accepted a push to the user about the ticket at or after {@code since}. */
    boolean reached(String userId, long ticketNum, Instant since) {
        return db.execute().get("SELECT MAX(reached_at) AS reached FROM push_notices WHERE user_id = ? AND ticket_num = ?",
                        userId, ticketNum)
                .map(r -> Sql.instant(r, "reached"))
                .filter(at -> !at.isBefore(since))
                .isPresent();
    }

    /** Forgets the rows with nothing pending and untouched for {@link #KEEP}. */
    void prune(Instant now) {
        db.execute().dml("DELETE FROM push_notices WHERE pending = 0 AND touched_at < ?", Sql.timestamp(now.minus(KEEP)));
    }

    private static Object ts(Instant at) {
        return at == null ? null : Sql.timestamp(at);
    }
}
