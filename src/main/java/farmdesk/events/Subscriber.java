package farmdesk.events;

import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One open stream or held poll: a bounded queue the broadcaster fills and the stream's own thread
 * drains. The broadcaster never waits: when the queue is full the subscriber is marked lagging and
 * dropped, and its client resumes from its last event id (nothing is lost, the log has it all).
 */
public final class Subscriber {

    private final Audience audience;
    private final boolean wantsLiveOnly;
    private final int capacity;
    /*
     * The queue: many producers (the sequencer, the heartbeat timer), one consumer (the stream's thread).
     * Not a LinkedBlockingQueue: its two locks and condition wait cost as much per delivery as writing the
     * event to the socket (profile of fanout20, docs/benchmarks.md), and the parked stream's stack is a few
     * frames deeper (each open stream keeps its stack on the heap). Here an offer is a CAS, a counter and,
     * only when the consumer is parked, an unpark.
     */
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** The consumer while it is parked or about to park; producers unpark it. */
    private volatile Thread waiter;
    private volatile boolean lagging;
    /** The thread serving this subscriber's client (it created the subscriber). */
    private final Thread server = Thread.currentThread();

    /**
     * @param audience      what this viewer may receive
     * @param wantsLiveOnly whether live-only events (typing) are wanted: streams yes, polls no
     * @param capacity      how many events may wait before the subscriber counts as lagging
     */
    public Subscriber(Audience audience, boolean wantsLiveOnly, int capacity) {
        this.audience = audience;
        this.wantsLiveOnly = wantsLiveOnly;
        this.capacity = capacity;
    }

    public Audience audience() {
        return audience;
    }

    boolean accepts(Event e) {
        if (e == Event.HEARTBEAT) {
            return wantsLiveOnly;
        }
        return (e.isStored() || wantsLiveOnly) && audience.accepts(e);
    }

    /** Called by the broadcaster only; false (and lagging from now on) when the queue is full. */
    boolean offer(Event e) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            lagging = true;
            return false;
        }
        queue.offer(e);
        // after the enqueue: a consumer that set waiter before this read re-checks the queue or is unparked
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /**
     * Wakes the stream with a marker of its own (its token expired, it must end): queued whatever the queue
     * holds, as the marker must arrive even behind a full queue. Any thread may call this.
     */
    public void signal(Event marker) {
        size.incrementAndGet();
        queue.offer(marker);
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Waits for the next event (heartbeats included). */
    public Event take() throws InterruptedException {
        return poll(Long.MAX_VALUE);
    }

    /** Waits up to the timeout for the next event; null when none came. */
    public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(unit.toNanos(timeout));
    }

    private Event poll(long nanos) throws InterruptedException {
        long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
        while (true) {
            Event e = next();
            if (e != null) {
                return e;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            waiter = Thread.currentThread();
            try {
                // re-check after announcing ourselves: an offer made before it is seen here, one made after
                // it sees the waiter and unparks
                if (queue.isEmpty()) {
                    if (left == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, left);
                    }
                }
            } finally {
                waiter = null;
            }
        }
    }

    private Event next() {
        Event e = queue.poll();
        if (e != null) {
            size.decrementAndGet();
        }
        return e;
    }

    /** Moves every waiting event to {@code into}, in order, without waiting. */
    public int drainTo(Collection<Event> into) {
        int n = 0;
        for (Event e = next(); e != null; e = next()) {
            into.add(e);
            n++;
        }
        return n;
    }

    /**
     * Called once when the subscriber is dropped for lagging. A client that stopped reading leaves its
     * thread blocked in a socket write that may never return; interrupting a thread blocked on a
     * socket channel closes the channel, so the stream ends and its memory is freed now. (A thread
     * that is not blocked sees the interrupt at its next wait and ends the stream.)
     */
    void dropped() {
        server.interrupt();
    }

    /** True once an event could not be queued: the stream must end after what it holds. */
    public boolean isLagging() {
        return lagging;
    }
}
