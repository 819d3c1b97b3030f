package farmdesk.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClient;

import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.Sql;

/**
 * Who delivers webhooks when several instances share one database: the one named in the
 * {@code webhook_lease} row until its time runs out. The holder renews it every third of its length;
 * any instance takes it once it has run out (the holder died, or lost the database). Relies on the
 * instances' clocks agreeing to well within the lease (NTP), like {@code IdFloor}.
 */
final class Lease {

    static final String NAME = "delivery";
    private static final Logger LOG = Logger.getLogger(Lease.class.getName());

    private final DbClient db;
    private final Duration length;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    /** Until when this instance may deliver by its own clock (slightly before the row's time); null: not held. */
    private volatile Instant heldUntil;

    Lease(DbClient db, Duration length, Clock clock) {
        this.db = db;
        this.length = length;
        this.clock = clock;
    }

    String holder() {
        return holder;
    }

    boolean held() {
        Instant until = heldUntil;
        return until != null && clock.instant().isBefore(until);
    }

    /** Takes or renews the lease; whether this instance holds it now. Never throws (a database fault: not held). */
    boolean renew() {
        Instant now = clock.instant();
        try {
            boolean got = db.execute().update("UPDATE webhook_lease SET holder = ?, lease_until = ? WHERE name = ?"
                            + " AND (holder = ? OR lease_until < ?)", holder, Sql.timestamp(now.plus(length)), NAME, holder,
                    Sql.timestamp(now)) == 1;
            boolean had = held();
            // stop a little before the row's time, so a renewal that comes late never overlaps another holder
            heldUntil = got ? now.plus(length.multipliedBy(2).dividedBy(3)) : null;
            if (got != had) {
                LOG.info(got ? "webhooks: this instance delivers now (lease " + holder + ")"
                        : "webhooks: another instance delivers now");
            }
            return got;
        } catch (RuntimeException e) {
            heldUntil = null;
            LOG.log(Level.FINE, "webhooks: cannot renew the delivery lease: " + DatabaseFaultLog.firstLine(e));
            return false;
        }
    }

    /** Gives the lease up (a graceful stop), so another instance takes over at once instead of after it runs out. */
    void release() {
        heldUntil = null;
        try {
            db.execute().update("UPDATE webhook_lease SET lease_until = ? WHERE name = ? AND holder = ?",
                    Sql.timestamp(Instant.parse("2020-01-01T00:00:00Z")), NAME, holder);
        } catch (RuntimeException e) {
            LOG.fine("webhooks: cannot release the lease (it runs out by itself): " + DatabaseFaultLog.firstLine(e));
        }
    }

    Duration renewEvery() {
        return length.dividedBy(3);
    }
}
