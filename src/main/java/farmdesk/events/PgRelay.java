package farmdesk.events;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import farmdesk.Json;

/**
 * Several instances on one PostgreSQL database, with nothing but PostgreSQL:
 * <ul>
 * <li>appends are serialised across instances by a transaction-scoped advisory lock, so ids commit
 *     in id order everywhere;</li>
 * <li>each append NOTIFYs {@code e:<id>} inside its transaction (delivered at commit, never on
 *     rollback); a listening instance then reads the log up to that id, in order;</li>
 * <li>live events (typing) travel whole as {@code l:<json>}, tagged with the sending instance so it
 *     ignores its own;</li>
 * <li>the listening connection is a dedicated one (LISTEN is session state). When it drops,
 *     notifications are lost, so after reconnecting the instance catches up from the log before
 *     anything newer is delivered (the {@link Sequencer} delivers in order).</li>
 * </ul>
 */
public final class PgRelay implements Relay {

    static final String CHANNEL = "farmdesk_events";
    /** The advisory lock key that serialises appends: "Farmdesk" in ASCII. */
    private static final long APPEND_LOCK = 0x4661726d6465736bL;
    private static final int MAX_PAYLOAD = 7900;
    private static final long CHECK_EVERY_MILLIS = 5000;
    private static final Logger LOG = Logger.getLogger(PgRelay.class.getName());

    private final DbClient db;
    private final String url;
    private final Properties login = new Properties();
    private final String instance = UUID.randomUUID().toString();
    private volatile boolean running = true;
    private volatile boolean listening;
    private Thread listener;

    public PgRelay(DbClient db, String url, String user, String password) {
        this.db = db;
        this.url = url;
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", instance);
        m.put("type", event.type());
        m.put("ticket", event.ticket());
        m.put("farmerId", event.farmerId());
        m.put("origin", event.originUserId());
        m.put("adminOnly", event.adminOnly());
        m.put("data", event.data());
        String payload = "l:" + Json.write(m);
        if (payload.length() > MAX_PAYLOAD) {
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

    private void listen(Inbox inbox) {
        long backoff = 100;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, login)) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                backoff = 100;
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
                    if (listening) {
                        LOG.warning("lost the LISTEN connection (" + e.getMessage() + "); reconnecting");
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

    private void handle(String payload, Inbox inbox) {
        try {
            if (payload.startsWith("e:")) {
                inbox.grownTo(Long.parseLong(payload.substring(2)));
            } else if (payload.startsWith("l:")) {
                JsonNode m = Json.read(payload.substring(2).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (!instance.equals(m.path("from").asText())) {
                    inbox.live(Event.live(m.path("type").asText(), m.path("ticket").asLong(),
                            m.path("farmerId").asText(), m.path("origin").asText(null),
                            m.path("adminOnly").asBoolean(), m.path("data").asText()));
                }
            }
        } catch (RuntimeException | java.io.IOException e) {
            LOG.log(Level.WARNING, "ignoring a malformed notification", e);
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
    }
}
