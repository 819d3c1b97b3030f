package farmdesk.events;

import java.time.Instant;

import io.helidon.dbclient.DbClient;

import farmdesk.storage.PoolShare;

/**
 * The event subsystem, built and closed in the one order that keeps ids gap-free and in order:
 * broadcaster, sequencer, relay, log; the relay listens last. The rest of Farmdesk takes what it needs
 * from here ({@link #log()} to write, {@link #feeds()} to read, {@link #broadcaster()} for heartbeats and
 * metrics) and never builds these parts itself.
 */
public final class EventSystem implements AutoCloseable {

    private final Broadcaster broadcaster;
    private final Sequencer sequencer;
    private final Relay relay;
    private final EventLog log;
    private final Feeds feeds;

    private EventSystem(Broadcaster broadcaster, Sequencer sequencer, Relay relay, EventLog log) {
        this.broadcaster = broadcaster;
        this.sequencer = sequencer;
        this.relay = relay;
        this.log = log;
        this.feeds = new Feeds(log, broadcaster);
    }

    /**
     * Builds and starts the subsystem on {@code db}.
     *
     * @param postgres    true on PostgreSQL: appends are serialised and announced across instances
     *                    ({@link PgRelay}); otherwise this instance is alone ({@link Relay#localOnly()})
     * @param url         JDBC URL, user and password for the relay's own LISTEN connection
     * @param authSecret  FARMDESK_AUTH_SECRET (null in dev mode): keys the live notices between instances
     * @param recentBytes what the newest events kept in memory may add up to
     */
    public static EventSystem open(DbClient db, boolean postgres, String url, String user, String password,
                                   String authSecret, long recentBytes, PoolShare reads) {
        Broadcaster broadcaster = new Broadcaster();
        Relay relay = postgres ? new PgRelay(db, url, user, password, authSecret) : Relay.localOnly();
        // before any write of this instance: ids taken from now on are above every id ever handed out,
        // also when the database was restored from a backup (see IdFloor)
        try {
            IdFloor.raise(db, relay, postgres, IdFloor.at(Instant.now()));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
        // the sequencer starts after the newest committed id, read before this instance's log takes a
        // write: every later event, local or from another instance, is delivered, and none twice
        Sequencer sequencer = new Sequencer(broadcaster,
                (after, upTo, limit) -> EventLog.readRange(db, after, upTo, limit),
                EventLog.latestId(db), recentBytes);
        // the log hands each commit to the sequencer and announces it through the relay, so both exist first
        EventLog log = new EventLog(db, sequencer, relay, reads);
        // the relay listens last: it hands news from other instances to the sequencer, and once LISTEN is
        // up it asks for a catch-up from the log, which covers whatever committed elsewhere since the
        // newest id read above
        relay.start(sequencer);
        return new EventSystem(broadcaster, sequencer, relay, log);
    }

    /** The only way to change stored state (appends events in the same transaction). */
    public EventLog log() {
        return log;
    }

    /** Where streams and polls open their feed. */
    public Feeds feeds() {
        return feeds;
    }

    /** Fan-out to subscribers: heartbeats, the drop hook and the published count for metrics. */
    public Broadcaster broadcaster() {
        return broadcaster;
    }

    /** Whether news from other instances arrives now (always on H2, where there are none). */
    public boolean relayConnected() {
        return relay.connected();
    }

    /** The newest stored id this instance has delivered: alike on every instance that is not behind. */
    public long newestDelivered() {
        return sequencer.delivered();
    }

    /**
     * Raised when this instance learns of a committed event (its own commit, or another instance's through
     * the relay), after streams have it: what the push sender and webhook deliveries wait on.
     */
    public CommitSignal commits() {
        return sequencer.signal();
    }

    /**
     * Stops in the reverse of the build order: the log first (the write in progress commits and is
     * handed on; none starts after), then the relay (no more news from other instances), then the
     * sequencer (it delivers what is already queued, then stops).
     */
    @Override
    public void close() {
        log.close();
        relay.close();
        sequencer.close();
    }
}
