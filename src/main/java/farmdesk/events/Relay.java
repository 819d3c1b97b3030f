package farmdesk.events;

import java.util.function.Consumer;

import io.helidon.dbclient.DbTransaction;

/**
 * The seam between this instance's broadcaster and the other instances sharing the database.
 * A single instance needs nothing ({@link #localOnly()}); several instances on PostgreSQL plug in a
 * LISTEN/NOTIFY relay here without the streams knowing.
 */
public interface Relay extends AutoCloseable {

    /**
     * Called inside the transaction that appended {@code event}, so an announcement (a NOTIFY) is
     * delivered exactly when, and only if, the event commits.
     */
    void announce(DbTransaction tx, Event event);

    /** A live-only event (typing) for the streams on other instances. */
    void announceLive(Event event);

    /** Starts handing events that were committed or sent on other instances to {@code deliver}. */
    void start(Consumer<Event> deliver);

    @Override
    void close();

    /** One instance alone: nothing to relay. */
    static Relay localOnly() {
        return new Relay() {
            public void announce(DbTransaction tx, Event event) {
            }

            public void announceLive(Event event) {
            }

            public void start(Consumer<Event> deliver) {
            }

            public void close() {
            }
        };
    }
}
