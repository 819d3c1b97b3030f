package farmdesk.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.helidon.dbclient.DbTransaction;

import farmdesk.storage.Sql;

/** The transaction handed to one {@link EventLog.Work}: the domain's statements plus event appends. */
public final class LogTransaction {

    private final DbTransaction tx;
    private final Relay relay;
    private final List<Event> appended = new ArrayList<>(2);

    LogTransaction(DbTransaction tx, Relay relay) {
        this.tx = tx;
        this.relay = relay;
    }

    /** For the domain's own statements in this transaction. */
    public DbTransaction db() {
        return tx;
    }

    /** Appends an event; it is published after commit, in id order. */
    public Event append(String type, long ticket, String farmerId, boolean adminOnly, String data) {
        long id = Sql.insertReturningId(tx, "id",
                "INSERT INTO events (type, ticket_num, farmer_id, admin_only, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                type, ticket, farmerId, adminOnly, data, Sql.timestamp(Instant.now()));
        Event event = Event.stored(id, type, ticket, farmerId, adminOnly, data);
        relay.announce(tx, event);
        appended.add(event);
        return event;
    }

    List<Event> appended() {
        return appended;
    }
}
