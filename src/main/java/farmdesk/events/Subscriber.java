package farmdesk.events;

import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open stream or held poll: a bounded queue the broadcaster fills and the stream's own thread
 * drains. The broadcaster never waits: when the queue is full the subscriber is marked lagging and
 * dropped, and its client resumes from its last event id (nothing is lost, the log has it all).
 */
public final class Subscriber {

    private final Audience audience;
    private final boolean wantsLiveOnly;
    private final LinkedBlockingQueue<Event> queue;
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
        this.queue = new LinkedBlockingQueue<>(capacity);
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
        if (queue.offer(e)) {
            return true;
        }
        lagging = true;
        return false;
    }

    /** Waits for the next event (heartbeats included). */
    public Event take() throws InterruptedException {
        return queue.take();
    }

    /** Waits up to the timeout for the next event; null when none came. */
    public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    /** Moves every waiting event to {@code into}, in order, without waiting. */
    public int drainTo(Collection<Event> into) {
        return queue.drainTo(into);
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
