package farmdesk.events;

import io.helidon.dbclient.DbTransaction;

/**
 * The seam between this instance and the other instances sharing the database (the transport, in
 * Mercure's terms). A single instance needs nothing ({@link #localOnly()}); on PostgreSQL,
 * {@link PgRelay} serialises appends across instances and carries notifications with LISTEN/NOTIFY.
 * The streams never know which one runs.
 */
public interface Relay extends AutoCloseable {

    /** Where a relay hands what happened on other instances (the {@link Sequencer}). */
    interface Inbox {
        /** The log has grown to at least {@code id} (an event committed on another instance). */
        void grownTo(long id);

        /** Notifications may have been missed: deliver whatever the log holds beyond what was delivered. */
        void catchUp();

        /** A live-only event (typing) from another instance. */
        void live(Event event);
    }

    /**
     * Called first in every appending transaction: afterwards no other instance appends until this
     * transaction ends, so ids commit in id order across instances too.
     */
    void beforeAppend(DbTransaction tx);

    /**
     * Called inside the transaction that appended {@code event}, so the announcement (a NOTIFY) is
     * delivered exactly when, and only if, the event commits.
     */
    void announce(DbTransaction tx, Event event);

    /** A live-only event (typing) for the streams on other instances. */
    void announceLive(Event event);

    /** Starts listening; hands news from other instances to {@code inbox}. */
    void start(Inbox inbox);

    /**
     * Whether news from other instances arrives now (metric {@code farmdesk_relay_connected}). Alone
     * there is nothing to miss: always true.
     */
    default boolean connected() {
        return true;
    }

    @Override
    void close();

    /** One instance alone: nothing to serialise with, nobody to tell. */
    static Relay localOnly() {
        return new Relay() {
            public void beforeAppend(DbTransaction tx) {
            }

            public void announce(DbTransaction tx, Event event) {
            }

            public void announceLive(Event event) {
            }

            public void start(Inbox inbox) {
            }

            public void close() {
            }
        };
    }
}
