package farmdesk.storage;

import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

/**
 * One database transaction around a piece of work: committed when the work returns, rolled back when it
 * (or the commit) throws. The work's own failure is what the caller sees; a rollback that fails as well is
 * kept as suppressed, not thrown in its place.
 */
public final class Transactions {

    private Transactions() {
    }

    public static <T> T inOne(DbClient db, Function<DbTransaction, T> work) {
        DbTransaction tx = db.transaction();
        try {
            T result = work.apply(tx);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }
}
