package farmdesk.push;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import farmdesk.storage.Sql;

/** The stored push subscriptions (table push_subscriptions, V8). */
final class Subscriptions {

    private final DbClient db;

    Subscriptions(DbClient db) {
        this.db = db;
    }

    /**
     * Stores the subscription, or updates the one with the same endpoint: a browser that subscribes again
     * (new keys, or another user signed in on it) keeps one row. True when it was new.
     */
    boolean save(Subscription s) {
        Instant now = Instant.now();
        if (update(s, now) > 0) {
            return false;
        }
        try {
            db.execute().dml("INSERT INTO push_subscriptions (endpoint, user_id, user_role, p256dh, auth, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)", s.endpoint(), s.userId(), s.role(),
                    P256.base64url(s.p256dh()), P256.base64url(s.auth()), Sql.timestamp(now), Sql.timestamp(now));
            return true;
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            update(s, now); // the same endpoint stored at the same moment by another request: this one wins
            return false;
        }
    }

    private long update(Subscription s, Instant now) {
        return db.execute().dml("UPDATE push_subscriptions SET user_id = ?, user_role = ?, p256dh = ?, auth = ?, updated_at = ?"
                        + " WHERE endpoint = ?", s.userId(), s.role(), P256.base64url(s.p256dh()),
                P256.base64url(s.auth()), Sql.timestamp(now), s.endpoint());
    }

    /** Removes the endpoint if {@code userId} owns it; true when it did. */
    boolean delete(String endpoint, String userId) {
        return db.execute().dml("DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?", endpoint, userId) > 0;
    }

    /** Removes a subscription the push service said is gone (404/410), whoever owns it. */
    void gone(String endpoint) {
        db.execute().dml("DELETE FROM push_subscriptions WHERE endpoint = ?", endpoint);
    }

    List<Subscription> ofUser(String userId, String role) {
        return query("SELECT endpoint, user_id, user_role, p256dh, auth FROM push_subscriptions"
                + " WHERE user_id = ? AND user_role = ? ORDER BY endpoint", userId, role);
    }

    List<Subscription> ofRole(String role) {
        return query("SELECT endpoint, user_id, user_role, p256dh, auth FROM push_subscriptions"
                + " WHERE user_role = ? ORDER BY endpoint", role);
    }

    /**
     * The users with at least one subscription in {@code role}; only {@code userId} when given (in the
     * caller's transaction: who a notice is kept for).
     */
    static List<String> users(DbExecute exec, String role, String userId) {
        try (Stream<DbRow> rows = userId == null
                ? exec.query("SELECT DISTINCT user_id FROM push_subscriptions WHERE user_role = ? ORDER BY user_id", role)
                : exec.query("SELECT DISTINCT user_id FROM push_subscriptions WHERE user_role = ? AND user_id = ?", role, userId)) {
            return rows.map(r -> r.column("user_id").getString()).toList();
        }
    }

    private List<Subscription> query(String sql, Object... params) {
        try (Stream<DbRow> rows = db.execute().query(sql, params)) {
            return rows.map(r -> new Subscription(r.column("endpoint").getString(), r.column("user_id").getString(),
                    r.column("user_role").getString(), P256.fromBase64url(r.column("p256dh").getString()),
                    P256.fromBase64url(r.column("auth").getString()))).toList();
        }
    }
}
