package farmdesk.events;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import farmdesk.storage.DatabaseFaultLog;

/**
 * Several instances on one PostgreSQL database, with nothing but PostgreSQL:
 * <ul>
 * <li>appends are serialised across instances by a transaction-scoped advisory lock, so ids commit
 *     in id order everywhere;</li>
 * <li>each append NOTIFYs {@code e:<id>} inside its transaction (delivered at commit, never on
 *     rollback); a listening instance then reads the log up to that id, in order;</li>
 * <li>live events (typing) travel whole as {@code l:<signature>.<json>} ({@link LiveNotices}), tagged
 *     with the sending instance so it ignores its own;</li>
 * <li>any role that can connect may NOTIFY on any channel (PostgreSQL has no grant for it), so nothing
 *     in a notification is trusted: {@code e:} carries only an id, and the events themselves are read
 *     from the log (an invented id costs a read that finds nothing new); a live notice becomes an event
 *     only with a valid signature and after strict checks. Anything else is dropped and counted
 *     ({@link RejectedNotifications});</li>
 * <li>the listening connection is a dedicated one (LISTEN is session state). When it drops,
 *     notifications are lost, so after reconnecting the instance catches up from the log before
 *     anything newer is delivered (the {@link Sequencer} delivers in order).</li>
 * </ul>
 */
public final class PgRelay implements Relay {

    static final String CHANNEL = "farmdesk_events";
    /** The advisory lock key that serialises appends: "Farmdesk" in ASCII. */
    private static final long APPEND_LOCK = 0x4661726d6465736bL;
    /** {@code e:} and a positive id of up to 18 digits (always a long; the log will not reach 10^18). */
    private static final Pattern STORED_ID = Pattern.compile("e:[1-9][0-9]{0,17}");
    private static final long CHECK_EVERY_MILLIS = 5000;
    private static final Logger LOG = Logger.getLogger(PgRelay.class.getName());

    private final DbClient db;
    private final String url;
    private final Properties login = new Properties();
    private final LiveNotices liveNotices;
    private final RejectedNotifications rejected = new RejectedNotifications();
    private volatile boolean running = true;
    private volatile boolean listening;
    private Thread listener;

    /**
     * @param authSecret FARMDESK_AUTH_SECRET (null in dev mode): live notices are signed with a key
     *                   derived from it, so instances accept each other's only when they share it
     */
    public PgRelay(DbClient db, String url, String user, String password, String authSecret) {
        this.db = db;
        this.url = url;
        this.liveNotices = new LiveNotices(LiveNotices.keyFor(authSecret), UUID.randomUUID().toString(),
                System::currentTimeMillis);
        if (authSecret == null) {
            LOG.info("FARMDESK_AUTH_SECRET is not set: typing notices from other instances on this database are"
                    + " not accepted (nor are their tokens); set the same secret on every instance");
        }
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        login.setProperty("connectTimeout", "3");
        login.setProperty("socketTimeout", "30");
        login.setProperty("tcpKeepAlive", "true");
        login.setProperty("ApplicationName", "farmdesk-relay");
    }

    @Override
    public void beforeAppend(DbTransaction tx) {
        tx.query("SELECT pg_advisory_xact_lock(?)", APPEND_LOCK).close();
    }

    @Override
    public void announce(DbTransaction tx, Event event) {
        tx.query("SELECT pg_notify(?, ?)", CHANNEL, "e:" + event.id()).close();
    }

    @Override
    public void announceLive(Event event) {
        String payload = liveNotices.encode(event);
        if (payload == null) {
            LOG.fine("live event too large to relay: " + event.type());
            return;
        }
        try {
            db.execute().query("SELECT pg_notify(?, ?)", CHANNEL, payload).close();
        } catch (RuntimeException e) {
            // live events are best effort: the database being away must not fail a typing call
            LOG.log(Level.FINE, "cannot relay a live event", e);
        }
    }

    @Override
    public void start(Inbox inbox) {
        listener = Thread.ofPlatform().name("farmdesk-relay").daemon().start(() -> listen(inbox));
    }

    /** True while the LISTEN connection is up. */
    public boolean isListening() {
        return listening;
    }

    @Override
    public boolean connected() {
        return listening;
    }

    /**
     * Holds the LISTEN connection, reconnecting with a growing pause while the database is away. The log
     * says it once when the connection is lost (WARNING) and once when it is back (INFO), not per retry.
     */
    private void listen(Inbox inbox) {
        long backoff = 100;
        long lostAt = 0; // nanoTime when the connection was lost (or the first attempt failed); 0: not lost
        while (running) {
            try (Connection c = DriverManager.getConnection(url, login)) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                backoff = 100;
                if (lostAt != 0) {
                    LOG.info("the LISTEN connection is back after " + (System.nanoTime() - lostAt) / 1_000_000
                            + " ms; catching up from the event log");
                    lostAt = 0;
                }
                // anything committed while nobody here was listening comes from the log, in order
                inbox.catchUp();
                PGConnection pg = c.unwrap(PGConnection.class);
                long checked = System.currentTimeMillis();
                while (running) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            handle(n.getParameter(), inbox);
                        }
                    }
                    if (System.currentTimeMillis() - checked > CHECK_EVERY_MILLIS) {
                        // a silent network can leave a dead socket looking idle: a round trip tells
                        try (Statement st = c.createStatement()) {
                            st.setQueryTimeout(5);
                            st.execute("SELECT 1");
                        }
                        checked = System.currentTimeMillis();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    if (lostAt == 0) {
                        lostAt = System.nanoTime();
                        lost(e);
                    }
                    listening = false;
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, 2000);
                }
            }
        }
        listening = false;
    }

    /** One line for a lost connection (an expected fault); the stack trace only for anything else (a bug). */
    private void lost(Exception e) {
        String what = (listening ? "lost the LISTEN connection" : "cannot open the LISTEN connection")
                + "; events from other instances wait until it is back (retrying)";
        if (e instanceof SQLException || DatabaseFaultLog.isConnectionLost(e)) {
            LOG.warning(what + ": " + DatabaseFaultLog.firstLine(e));
        } else {
            LOG.log(Level.WARNING, what, e);
        }
    }

    /** Trusts nothing in {@code payload}: see the class comment. */
    private void handle(String payload, Inbox inbox) {
        if (payload == null) {
            rejected.reject("no payload");
        } else if (payload.startsWith("e:")) {
            if (STORED_ID.matcher(payload).matches()) {
                inbox.grownTo(Long.parseLong(payload, 2, payload.length(), 10));
            } else {
                rejected.reject("not an event id");
            }
        } else if (payload.startsWith(LiveNotices.PREFIX)) {
            try {
                Event live = liveNotices.decode(payload);
                if (live != null) {
                    inbox.live(live);
                }
            } catch (LiveNotices.Rejected r) {
                rejected.reject(r.getMessage());
            } catch (RuntimeException e) {
                // whatever a sender makes up must not take the listening connection down with it
                rejected.reject("malformed (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            rejected.reject("unknown kind");
        }
    }

    @Override
    public void close() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rejected.close();
    }
}
