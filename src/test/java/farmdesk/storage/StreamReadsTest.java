package farmdesk.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.dbclient.DbTransaction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream path's share of the pool, on a real HikariCP pool over H2: with a pool of 4, two stream
 * reads hold connections at once, a third waits in line here (not in the pool), and the pool still has
 * connections for everything else (writes, REST). The reconnect storm before this (docs/benchmarks.md)
 * had thousands of replays waiting in the pool itself: 711 streams refused 503 and 1,095 cut after
 * their opening by the pool's 3 s timeout, posts waiting seconds behind them.
 */
class StreamReadsTest {

    @Test
    void streamReadsLeaveTwoConnectionsToOthersAndWaitInLine() throws Exception {
        try (Database database = Database.open("jdbc:h2:mem:stream-reads;DB_CLOSE_DELAY=-1", "sa", "", 4)) {
            StreamReads reads = StreamReads.forPool(4);
            CountDownLatch holding = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readers.add(Thread.ofVirtual().start(() -> reads.read(() -> {
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
            assertTrue(holding.await(30, TimeUnit.SECONDS), "two reads run at once");
            awaitParked(readers);
            assertEquals(2, database.poolStats().getActiveConnections(), "only two stream reads hold a connection");
            assertEquals(0, database.poolStats().getThreadsAwaitingConnection(), "the third waits in line, not in the pool");
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
