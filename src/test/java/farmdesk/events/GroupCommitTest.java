package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import farmdesk.Refused;
import farmdesk.storage.Database;
import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit: writes queued while one runs share the next transaction, each in its own savepoint.
 * A write that fails after it already wrote is undone alone; the others commit; ids stay in order.
 */
class GroupCommitTest {

    private Database database;
    private Sequencer sequencer;
    private EventLog log;

    @BeforeEach
    void open() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:gc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        sequencer = new Sequencer(new Broadcaster(),
                (after, upTo, limit) -> EventLog.readRange(database.client(), after, upTo, limit), 0);
        log = new EventLog(database.client(), sequencer, Relay.localOnly());
    }

    @AfterEach
    void close() {
        sequencer.close();
        database.close();
    }

    @Test
    void aFailedWriteInABatchUndoesOnlyItself() throws Exception {
        List<Future<String>> queued = oneBatch((tx, n) -> {
            if (n % 2 == 1) {
                throw Refused.conflict("write " + n + " refused after it wrote");
            }
        });
        for (int i = 0; i < 10; i++) {
            if (i % 2 == 0) {
                assertEquals("ok " + i, queued.get(i).get());
            } else {
                Throwable e = assertThrows(queued.get(i));
                assertInstanceOf(Refused.class, e);
            }
        }
        List<Event> stored = EventLog.readRange(database.client(), 0, Long.MAX_VALUE, 100);
        List<String> data = stored.stream().map(Event::data).toList();
        assertEquals(6, data.size(), "the first and the five writes that were not refused: " + data);
        assertEquals("{\"n\":\"first\"}", data.getFirst());
        assertEquals(Set.of("{\"n\":0}", "{\"n\":2}", "{\"n\":4}", "{\"n\":6}", "{\"n\":8}"),
                Set.copyOf(data.subList(1, 6)));
        assertIdsIncrease(stored);
    }

    /**
     * A statement the database itself rejects (here: a value too long for its column) makes Helidon's
     * DB client close the transaction's connection, so the batch cannot roll back to the write's
     * savepoint: the write must still fail alone and its neighbours commit, once each.
     */
    @Test
    void aStatementTheDatabaseRejectsFailsOnlyItsOwnWrite() throws Exception {
        List<Future<String>> queued = oneBatch((tx, n) -> {
            if (n % 3 == 1) {
                // events.type is VARCHAR(32): the database refuses this row, on H2 and on PostgreSQL
                tx.append("x".repeat(33), 1, "F-1", false, "{}");
            }
        });
        for (int i = 0; i < 10; i++) {
            if (i % 3 == 1) {
                assertThrows(queued.get(i));
            } else {
                assertEquals("ok " + i, queued.get(i).get(), "write " + i + " shared the batch of a failing one");
            }
        }
        List<Event> stored = EventLog.readRange(database.client(), 0, Long.MAX_VALUE, 100);
        List<String> data = stored.stream().map(Event::data).toList();
        assertEquals(List.of("{\"n\":\"first\"}"), data.subList(0, 1));
        assertEquals(List.of("{\"n\":0}", "{\"n\":2}", "{\"n\":3}", "{\"n\":5}", "{\"n\":6}", "{\"n\":8}", "{\"n\":9}"),
                data.subList(1, data.size()).stream().sorted().toList(), "each write that did not fail, once: " + data);
        assertIdsIncrease(stored);
    }

    /** What each of the ten queued writes does after appending its own event ({@code n} is its number). */
    private interface Then {
        void run(LogTransaction tx, int n);
    }

    /**
     * Ten writes in one batch (OneBatch: a first write holds the appender until they all wait behind it);
     * answers their futures, each "ok n" unless {@code then} failed it.
     */
    private List<Future<String>> oneBatch(Then then) throws Exception {
        List<Callable<String>> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            writes.add(() -> log.write(tx -> {
                tx.append(Event.NEW_MESSAGE, 1, "F-1", false, "{\"n\":" + n + "}");
                then.run(tx, n);
                return "ok " + n;
            }));
        }
        return OneBatch.run(log, tx -> tx.append(Event.NEW_MESSAGE, 1, "F-1", false, "{\"n\":\"first\"}"), writes);
    }

    private static void assertIdsIncrease(List<Event> stored) {
        for (int i = 1; i < stored.size(); i++) {
            assertTrue(stored.get(i).id() > stored.get(i - 1).id());
        }
    }

    private static Throwable assertThrows(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the write to fail");
    }
}
