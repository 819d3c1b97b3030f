package farmdesk.hooks;

import java.time.Instant;
import java.util.Optional;

import io.helidon.dbclient.DbClient;

import farmdesk.events.EventLog;
import farmdesk.storage.Sql;

/**
 * The durable per-endpoint cursors ({@code webhook_cursors}). A cursor only moves forward, and only while
 * the caller holds the delivery lease: an instance that lost the lease (paused too long, cut off from the
 * database) can neither move a cursor back nor past what the new holder decides.
 */
final class CursorStore {

    private final DbClient db;

    CursorStore(DbClient db) {
        this.db = db;
    }

    /**
     * The endpoint's cursor, created if missing at the newest stored id: an endpoint added to a running
     * service gets the events from now on, not the whole history.
     */
    Cursor open(WebhookEndpoint endpoint) {
        Optional<Cursor> c = read(endpoint);
        if (c.isPresent()) {
            return c.get();
        }
        try {
            db.execute().insert("INSERT INTO webhook_cursors (url, last_id, delivered, attempts, paused) VALUES (?, ?, 0, 0, FALSE)",
                    endpoint.key(), EventLog.latestId(db));
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e; // else another instance created it at the same moment: read theirs
            }
        }
        return read(endpoint).orElseThrow();
    }

    Optional<Cursor> read(WebhookEndpoint endpoint) {
        return db.execute().get("SELECT last_id, delivered, failing_since, attempts, last_error, paused FROM webhook_cursors"
                        + " WHERE url = ?", endpoint.key())
                .map(r -> new Cursor(Sql.longOrZero(r, "last_id"), Sql.longOrZero(r, "delivered"),
                        Sql.instant(r, "failing_since"), (int) Sql.longOrZero(r, "attempts"),
                        (String) Sql.value(r, "last_error"), Boolean.TRUE.equals(Sql.value(r, "paused"))));
    }

    /**
     * Moves the cursor to {@code id} (delivered: {@code sent} is 1, and the failure state is cleared; or only
     * passed over: 0). False when this instance no longer holds the lease (nothing changed).
     */
    boolean advance(WebhookEndpoint endpoint, long id, int sent, String holder, Instant now) {
        // passing over events not chosen leaves the failure state alone: it belongs to the next chosen event
        String clear = sent > 0 ? ", failing_since = NULL, attempts = 0, last_error = NULL" : "";
        return db.execute().update("UPDATE webhook_cursors SET last_id = ?, delivered = delivered + ?" + clear
                        + " WHERE url = ? AND last_id < ? AND EXISTS (SELECT 1 FROM webhook_lease"
                        + " WHERE name = ? AND holder = ? AND lease_until > ?)",
                id, sent, endpoint.key(), id, Lease.NAME, holder, Sql.timestamp(now)) == 1;
    }

    /** Records a failed attempt; the first failure starts {@code failing_since}. */
    void failed(WebhookEndpoint endpoint, String error, Instant now) {
        db.execute().update("UPDATE webhook_cursors SET failing_since = COALESCE(failing_since, ?), attempts = attempts + 1,"
                + " last_error = ? WHERE url = ?", Sql.timestamp(now), truncate(error), endpoint.key());
    }

    void pause(WebhookEndpoint endpoint) {
        db.execute().update("UPDATE webhook_cursors SET paused = TRUE WHERE url = ?", endpoint.key());
    }

    /** An admin resumed it: delivery tries again at once, with a fresh day before the next pause. */
    boolean resume(WebhookEndpoint endpoint) {
        return db.execute().update("UPDATE webhook_cursors SET paused = FALSE, failing_since = NULL, attempts = 0"
                + " WHERE url = ?", endpoint.key()) == 1;
    }

    /**
     * The lowest cursor among these endpoints that are not paused: retention keeps every event above it.
     * {@link Long#MAX_VALUE} when there is none.
     */
    long lowestLive(java.util.List<WebhookEndpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return Long.MAX_VALUE;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(endpoints.size(), "?"));
        return db.execute().get("SELECT MIN(last_id) AS lowest FROM webhook_cursors WHERE paused = FALSE AND url IN (" + marks + ")",
                        endpoints.stream().map(WebhookEndpoint::key).toArray())
                .map(r -> Sql.nullableLong(r, "lowest")).filter(java.util.Objects::nonNull).orElse(Long.MAX_VALUE);
    }

    /** Stored events after the cursor (at most {@code cap}, counting is bounded): the endpoint's lag. */
    long lag(long after, int cap) {
        return db.execute().get("SELECT COUNT(*) AS n FROM (SELECT id FROM events WHERE id > ? ORDER BY id LIMIT " + cap + ") t",
                after).map(r -> Sql.longOrZero(r, "n")).orElse(0L);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
