package farmdesk.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

import farmdesk.storage.Sql;
import farmdesk.storage.Transactions;

/**
 * Moves the event id sequence forward to a clock floor at every start, so that no event id is ever
 * handed out twice, even after a restore from a backup.
 *
 * <p>Why: a backup holds the sequence as it was. Restore it, and the sequence hands out again the ids
 * given after the backup was taken, to other events; a client that saw the lost events and resumes
 * from one of them would silently skip the new events below its id (issue 12, item 2). Clients never
 * see the database, so the only thing they can compare is the id: it must keep meaning one event.
 *
 * <p>How: the floor is the number of microseconds since 2020-01-01 UTC. At start the sequence moves
 * up to it unless it is already above. Ids then increase by one per event from there, and no instance
 * can take more than a million ids a second (appends are serialised: a few thousand a second), so
 * every id handed out before any moment lies below the floor of that moment. After a restore, the next
 * start lifts the sequence above every id the lost events had, and a resume from one of those ids, an
 * id the log no longer holds, gets {@code reset} ({@link EventLog#readAfter}). The floor stays below
 * 2^53 until about the year 2305, so JavaScript clients, whose numbers are doubles, keep exact ids.
 *
 * <p>Alternatives not taken: a timestamp id per event (costs work on every append, and ids of one
 * start would no longer be consecutive); remembering the newest id outside the database (a restore of
 * the server's disk, or a new machine, loses it too); detecting a restore by comparing the log with a
 * marker (a backup taken right after the marker is written looks unrestored).
 *
 * <p>What it relies on: a clock that does not run behind the one of the previous start by more than
 * the time between the two (NTP). It never moves the sequence back, so a clock that ran ahead only
 * makes ids larger. It runs under the append lock (on PostgreSQL the advisory lock every append takes
 * first), so an instance starting beside running ones never moves the sequence under an append.
 */
final class IdFloor {

    private static final Logger LOG = Logger.getLogger(IdFloor.class.getName());
    static final Instant EPOCH = Instant.parse("2020-01-01T00:00:00Z");

    private IdFloor() {
    }

    /** The floor at {@code now}: microseconds since 2020-01-01 UTC. */
    static long at(Instant now) {
        return Math.max(0, ChronoUnit.MICROS.between(EPOCH, now));
    }

    /**
     * Lifts the events id sequence so that the next id is above {@code floor} (unless it already is).
     * Returns the next id the sequence hands out.
     */
    static long raise(DbClient db, Relay relay, boolean postgres, long floor) {
        long next = Transactions.inOne(db, tx -> {
            relay.beforeAppend(tx); // no append anywhere while the sequence moves
            return postgres ? raisePostgres(tx, floor) : raiseH2(tx, floor);
        });
        LOG.info("event ids continue from " + next + (next == floor + 1 ? " (the clock floor)" : ""));
        return next;
    }

    /**
     * {@code setval}, not {@code ALTER TABLE ... RESTART}: that takes an exclusive lock on {@code events},
     * which waits behind any long read (a pg_dump) while every other query queues behind it.
     */
    private static long raisePostgres(DbTransaction tx, long floor) {
        String seq = "pg_get_serial_sequence('events', 'id')";
        long last = tx.get("SELECT pg_sequence_last_value(" + seq + "::regclass) AS last")
                .map(r -> Sql.longOrZero(r, "last")).orElse(0L);
        if (last >= floor) {
            return last + 1;
        }
        tx.query("SELECT setval(" + seq + ", ?)", floor).close(); // the next nextval() is floor + 1
        return floor + 1;
    }

    /** H2 has no setval for an identity column; {@code RESTART WITH} is instant on an embedded database. */
    private static long raiseH2(DbTransaction tx, long floor) {
        long next = tx.get("SELECT identity_base AS next FROM information_schema.columns"
                        + " WHERE table_schema = CURRENT_SCHEMA AND table_name = 'events' AND column_name = 'id'")
                .map(r -> Sql.longOrZero(r, "next")).orElseThrow();
        if (next > floor) {
            return next;
        }
        tx.dml("ALTER TABLE events ALTER COLUMN id RESTART WITH " + (floor + 1));
        return floor + 1;
    }
}
