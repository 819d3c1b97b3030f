package farmdesk.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.dbclient.DbTransaction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shares of the pool, on a real HikariCP pool over H2: with a pool of 4, two stream reads hold
 * connections at once, a third waits in line here (not in the pool), and the pool still has connections
 * for everything else (writes, REST); likewise two uploads of a pool of 10. The reconnect storm before this (docs/benchmarks.md)
 * had thousands of replays waiting in the pool itself: 711 streams refused 503 and 1,095 cut after
 * their opening by the pool's 3 s timeout, posts waiting seconds behind them.
 */
// not on PostgreSQL: a pool over H2 whichever run this is (the pool's shares do not depend on the database)
@Tag("h2-only")
class PoolShareTest {

    @Test
    void theStreamShareLeavesTwoConnectionsToOthersAndWaitsInLine() throws Exception {
        holdsAtMostItsShareAndWaitsInLine(4, PoolShare.forStreams(4), 2);
    }

    /**
     * Uploads: two of the default ten. Fifty uploads sending their first chunk at once on H2 got eight 503s
     * from the pool's 3 s timeout before they had a share (docs/benchmarks.md "Uploads").
     */
    @Test
    void theUploadShareIsTwoOfTenAndWaitsInLine() throws Exception {
        holdsAtMostItsShareAndWaitsInLine(10, PoolShare.forUploads(10), 2);
    }

    /** {@code share + 1} users of the share at once: {@code share} hold connections, one waits here, not in the pool. */
    private static void holdsAtMostItsShareAndWaitsInLine(int poolSize, PoolShare reads, int share) throws Exception {
        try (Database database = Database.open("jdbc:h2:mem:pool-share-" + poolSize + ";DB_CLOSE_DELAY=-1", "sa", "", poolSize)) {
            CountDownLatch holding = new CountDownLatch(share);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < share + 1; i++) {
                readers.add(Thread.ofVirtual().start(() -> reads.use(() -> {
                    DbTransaction tx = database.client().transaction(); // holds one pool connection
                    tx.query("SELECT 1").close();
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    tx.commit();
                    return null;
                })));
            }
            assertTrue(holding.await(30, TimeUnit.SECONDS), share + " run at once");
            awaitParked(readers);
            assertEquals(share, database.poolStats().getActiveConnections(), "only " + share + " hold a connection");
            assertEquals(0, database.poolStats().getThreadsAwaitingConnection(), "the next waits in line, not in the pool");
            assertTrue(database.ping() && database.ping(), "the pool still serves the others");
            release.countDown();
            for (Thread t : readers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertEquals(Thread.State.TERMINATED, t.getState(), "every read ran, in turn");
            }
        }
    }

    /** Waits (bounded) until every reader is either holding (parked on the latch) or waiting for a permit. */
    private static void awaitParked(List<Thread> readers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!readers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING)) {
            assertTrue(System.nanoTime() < deadline, "readers never parked");
            Thread.sleep(10);
        }
    }
}
