package farmdesk.events;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The signal the log's followers wait on: a wait of an hour ends with the event, or with a wake-up whose
 * condition was set before it; never later. The bounds on get() only fail a test that would hang.
 */
class CommitSignalTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aDeliveredEventEndsAnHourLongWait() throws Exception {
        CommitSignal signal = new CommitSignal(10);
        assertEquals(10, signal.awaitPast(9, HOUR), "already past: at once");
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> await(signal, 10, () -> false));
        assertFalse(waiter.isDone());
        signal.raise(11);
        assertEquals(11, waiter.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aWakeUpEndsTheWaitOfThoseWhoseConditionHolds() throws Exception {
        CommitSignal signal = new CommitSignal(5);
        AtomicBoolean resumed = new AtomicBoolean();
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> await(signal, Long.MAX_VALUE, resumed::get));
        signal.wakeAll(); // the condition does not hold yet: it waits on
        assertFalse(waiter.isDone());
        resumed.set(true);
        signal.wakeAll();
        assertEquals(5, waiter.get(30, TimeUnit.SECONDS));
        resumed.set(true); // set before the wait: it does not wait at all (no wake-up lost in between)
        assertEquals(5, signal.awaitPast(Long.MAX_VALUE, HOUR, resumed::get));
    }

    @Test
    void theSequencerRaisesItForEachDeliveredEvent() throws Exception {
        Broadcaster broadcaster = new Broadcaster();
        Sequencer sequencer = new Sequencer(broadcaster, (after, upTo, limit) -> java.util.List.of(), 100);
        try {
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> await(sequencer.signal(), 100, () -> false));
            sequencer.committed(Event.stored(101, Event.NEW_MESSAGE, 1, "F-1", false, "{}"));
            assertEquals(101, waiter.get(30, TimeUnit.SECONDS));
        } finally {
            sequencer.close();
        }
    }

    private static long await(CommitSignal signal, long id, java.util.function.BooleanSupplier orWhen) {
        try {
            return signal.awaitPast(id, HOUR, orWhen);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
