package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscriber's queue: many producers, one consumer that parks; nothing lost, order kept, bounded. */
class SubscriberTest {

    private static final Audience ADMIN = new Audience(new Topic.All(), "A-1", true);

    private static Event event(long id) {
        return Event.stored(id, Event.NEW_MESSAGE, 1001, "F-1", false, "{}");
    }

    @Test
    void everyOfferFromSeveralProducersReachesAParkingConsumerInEachProducersOrder() throws Exception {
        int producers = 4;
        int each = 50_000;
        Subscriber s = new Subscriber(ADMIN, true, Integer.MAX_VALUE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CompletableFuture<long[]> consumed = new CompletableFuture<>();
        Thread consumer = Thread.ofVirtual().start(() -> {
            long[] lastPerProducer = new long[producers];
            try {
                List<Event> batch = new ArrayList<>();
                for (int got = 0; got < producers * each; ) {
                    batch.add(s.take()); // parks whenever the producers are behind: the wake-up path
                    s.drainTo(batch);
                    for (Event e : batch) {
                        int producer = (int) (e.id() % producers);
                        long seq = e.id() / producers;
                        if (seq <= lastPerProducer[producer]) {
                            throw new AssertionError("producer " + producer + " out of order: " + seq);
                        }
                        lastPerProducer[producer] = seq;
                    }
                    got += batch.size();
                    batch.clear();
                }
                consumed.complete(lastPerProducer);
            } catch (Throwable t) {
                failure.set(t);
                consumed.completeExceptionally(t);
            }
        });
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (long seq = 1; seq <= each; seq++) {
                    assertTrue(s.offer(event(seq * producers + producer)));
                    if (seq % 1000 == 0) {
                        Thread.yield(); // let the consumer empty the queue and park again
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] last = consumed.get(60, TimeUnit.SECONDS);
        consumer.join();
        for (long l : last) {
            assertEquals(each, l);
        }
        assertNull(failure.get());
        assertNull(s.poll(0, TimeUnit.MILLISECONDS), "nothing left over");
    }

    @Test
    void aFullQueueRefusesAndMarksTheSubscriberLagging() {
        Subscriber s = new Subscriber(ADMIN, true, 3);
        assertTrue(s.offer(event(1)));
        assertTrue(s.offer(event(2)));
        assertTrue(s.offer(event(3)));
        assertFalse(s.isLagging());
        assertFalse(s.offer(event(4)));
        assertTrue(s.isLagging());
        List<Event> left = new ArrayList<>();
        assertEquals(3, s.drainTo(left));
        assertEquals(List.of(1L, 2L, 3L), left.stream().map(Event::id).toList());
    }

    @Test
    void pollGivesUpAfterItsTimeoutAndTakeEndsOnInterrupt() throws Exception {
        Subscriber s = new Subscriber(ADMIN, true, 10);
        assertNull(s.poll(20, TimeUnit.MILLISECONDS));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                s.take();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        while (waiting.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        waiting.interrupt();
        waiting.join();
        assertTrue(thrown.get() instanceof InterruptedException, "take ended with " + thrown.get());
        Event e = event(7);
        s.offer(e);
        assertSame(e, s.take());
        assertThrows(InterruptedException.class, () -> {
            Thread.currentThread().interrupt();
            s.take();
        });
    }
}
