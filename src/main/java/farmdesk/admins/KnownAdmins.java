package farmdesk.admins;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import farmdesk.auth.Viewer;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;

/**
 * The admins who have signed in: every admin whose valid token is used on the API is recorded (id, the
 * display name of the token, first and last seen), so that a ticket's assignee can be chosen from them
 * and shown by name.
 *
 * <p>Why it is cheap on the hot path: {@link #seen} runs on every authenticated call, so what this run
 * has written is remembered in memory, and the database is written only for an admin not recorded yet
 * this run, a changed name, or a last-seen time older than {@link #REFRESH}.
 */
public final class KnownAdmins {

    private static final Logger LOG = Logger.getLogger(KnownAdmins.class.getName());
    /** How stale {@code last_seen} may get: at most one write per admin per this period. */
    static final Duration REFRESH = Duration.ofMinutes(1);
    private static final int REMEMBERED = 10_000;

    /** What this run last wrote (or tried to write) for an admin. */
    private record Written(String name, Instant at) {
    }

    private final DbClient db;
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    public KnownAdmins(DbClient db) {
        this.db = db;
    }

    /** Records the caller when it is an admin (see the class comment for when this writes). */
    public void seen(Viewer viewer) {
        if (!viewer.isAdmin()) {
            return;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Written last = written.get(viewer.id());
        if (last != null && last.name().equals(viewer.name()) && now.isBefore(last.at().plus(REFRESH))) {
            return;
        }
        if (written.size() >= REMEMBERED) {
            written.clear();
        }
        // remembered before writing, failed or not: while the database is away, an admin's calls try
        // once per REFRESH instead of each waiting for a connection
        written.put(viewer.id(), new Written(viewer.name(), now));
        try {
            record(db.execute(), viewer, now);
        } catch (RuntimeException e) {
            // one line, no stack trace: a database away is logged where it is noticed (DatabaseFaultLog)
            LOG.log(Level.WARNING, "could not record admin " + viewer.id() + " as seen: " + DatabaseFaultLog.firstLine(e));
        }
    }

    private static void record(DbExecute exec, Viewer admin, Instant now) {
        if (update(exec, admin, now) > 0) {
            return;
        }
        try {
            exec.dml("INSERT INTO admins (id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                    admin.id(), admin.name(), Sql.timestamp(now), Sql.timestamp(now));
        } catch (RuntimeException e) {
            // the same admin's first calls at the same moment on two threads (or instances): one inserted
            if (update(exec, admin, now) == 0) {
                throw e;
            }
        }
    }

    private static long update(DbExecute exec, Viewer admin, Instant now) {
        return exec.dml("UPDATE admins SET name = ?, last_seen = ? WHERE id = ?",
                admin.name(), Sql.timestamp(now), admin.id());
    }

    /** Every known admin, by name (then id). */
    public List<Admin> list() {
        try (Stream<DbRow> rows = db.execute().query("SELECT id, name FROM admins ORDER BY name, id")) {
            return rows.map(r -> new Admin(r.column("id").getString(), r.column("name").getString())).toList();
        }
    }

    /** The known admin with this id, read in the caller's transaction, or empty. */
    public static Optional<Admin> find(DbExecute exec, String id) {
        return exec.get("SELECT id, name FROM admins WHERE id = ?", id)
                .map(r -> new Admin(r.column("id").getString(), r.column("name").getString()));
    }
}
