package farmdesk.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One reader's view of what an audience may see, from a resume point: first what the log holds after
 * it (or a reset when the log does not hold the point), then live events, handed out in {@link Batch}es with no
 * gap and no duplicate. SSE and long-poll only encode the batches. One thread reads a feed; any thread
 * may {@link #signal} it.
 *
 * <p>Ordering invariants:
 * <ul>
 * <li><b>Subscribe before replay.</b> The feed subscribes when it opens, before it reads the log: an
 * event committed while the replay runs is then queued (and perhaps read too). Read first and subscribe
 * after, and an event committed in between would be in neither.</li>
 * <li><b>Dedupe by id.</b> Stored ids only ever increase (see {@link EventLog}), so a queued stored
 * event at or below the last id handed out was already handed out by the replay: it is skipped.</li>
 * <li><b>From now.</b> Without a resume point the start is the newest id this instance knows, taken
 * when the feed opens (after subscribing, before the caller writes anything): every event committed
 * once the client has seen the stream open is newer; one taken later could skip an event committed
 * in between as "already known".</li>
 * </ul>
 */
public final class Feed implements AutoCloseable {

    /**
     * @param withLiveOnly  live-only events (typing) and heartbeats wanted: streams yes, polls no
     * @param queueCapacity live events that may wait before the feed counts as lagging and is dropped
     * @param batchLimit    the most stored events in one batch (a replay page)
     */
    public record Options(boolean withLiveOnly, int queueCapacity, int batchLimit) {
    }

    /** Ends a feed dropped for lagging ({@link Batch#endedBy}): the broadcaster stopped feeding it. */
    public static final Event LAGGING = Event.live("lagging", 0, "", null, false, "{}");
    /** Queued by {@link #signal} to wake the reader; never handed out. */
    private static final Event WAKE = Event.live("wake", 0, "", null, false, "{}");

    private final EventLog log;
    private final Broadcaster broadcaster;
    private final Audience audience;
    private final Options options;
    private final Subscriber subscriber;
    /** Drained from the queue, not yet handed out (a batch holds at most batchLimit stored events). */
    private final ArrayDeque<Event> held = new ArrayDeque<>();
    private volatile Event signal;
    private long last;
    private boolean replaying;
    private boolean lagging;

    Feed(EventLog log, Broadcaster broadcaster, Audience audience, Long resumeAfter, Options options) {
        this.log = log;
        this.broadcaster = broadcaster;
        this.audience = audience;
        this.options = options;
        this.subscriber = new Subscriber(audience, options.withLiveOnly(), options.queueCapacity());
        broadcaster.subscribe(subscriber);
        // after subscribing (see "from now" above)
        this.replaying = resumeAfter != null;
        this.last = replaying ? resumeAfter : log.newestKnown();
    }

    public Audience audience() {
        return audience;
    }

    /** The next batch, waiting as long as it takes. */
    public Batch next() throws InterruptedException {
        return next(Long.MAX_VALUE);
    }

    /** The next batch, or an empty one when nothing came within the timeout. */
    public Batch next(Duration timeout) throws InterruptedException {
        return next(timeout.toNanos());
    }

    private Batch next(long nanos) throws InterruptedException {
        long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
        while (true) {
            if (signal != null) {
                held.clear();
                return new Batch(List.of(), false, last, signal);
            }
            if (replaying) {
                Batch replayed = replay();
                if (replayed != null) {
                    return replayed;
                }
                continue;
            }
            if (held.isEmpty()) {
                if (lagging) {
                    return new Batch(List.of(), false, last, LAGGING);
                }
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                Event first = left == Long.MAX_VALUE ? subscriber.take()
                        : left > 0 ? subscriber.poll(left, TimeUnit.NANOSECONDS) : null;
                if (first == null) {
                    return new Batch(List.of(), false, last, null);
                }
                held.add(first);
                subscriber.drainTo(held);
                if (subscriber.isLagging()) {
                    // dropped: nothing more is coming; hand out what it still holds, then end
                    subscriber.drainTo(held);
                    lagging = true;
                }
                continue; // a signal among them ends the feed first
            }
            List<Event> events = takeHeld();
            if (!events.isEmpty() || lagging) {
                return new Batch(events, false, last, lagging && held.isEmpty() ? LAGGING : null);
            }
            // all duplicates: wait on
        }
    }

    /**
     * One page of the log after {@code last}, a reset, or null once the replay is done (nothing more
     * stored). A reset when {@code last} is not an id the log holds (see {@link EventLog#readAfter}):
     * on the first page the client's resume id, later the last event of a page handed out, when
     * retention pruned it meanwhile. The client reloads and resumes from the newest stored id.
     */
    private Batch replay() {
        List<Event> page = log.readAfter(last, audience, options.batchLimit());
        if (page == null) {
            replaying = false;
            last = log.latestId();
            return new Batch(List.of(), true, last, null);
        }
        if (page.size() < options.batchLimit()) {
            replaying = false; // what is committed from now on is queued (subscribed before this read)
        }
        if (page.isEmpty()) {
            return null;
        }
        last = page.getLast().id();
        return new Batch(page, false, last, null);
    }

    /** Up to batchLimit stored events from what is held, skipping those already handed out; one heartbeat at most. */
    private List<Event> takeHeld() {
        List<Event> out = new ArrayList<>(Math.min(held.size(), 16));
        int stored = 0;
        boolean pinged = false;
        while (!held.isEmpty() && stored < options.batchLimit()) {
            Event e = held.poll();
            if (e == WAKE) {
                continue;
            }
            if (e == Event.HEARTBEAT) {
                if (pinged) {
                    continue; // one ping per batch is enough
                }
                pinged = true;
            } else if (e.isStored()) {
                if (e.id() <= last) {
                    continue; // already handed out by the replay
                }
                last = e.id();
                stored++;
            }
            out.add(e);
        }
        return out;
    }

    /**
     * Ends the feed with {@code marker} as its {@link Batch#endedBy} (the first marker wins): wakes the reader
     * wherever it waits, even behind a full queue. Any thread may call this, before or while the feed is read.
     */
    public void signal(Event marker) {
        synchronized (this) {
            if (signal == null) {
                signal = marker;
            }
        }
        subscriber.signal(WAKE);
    }

    /** Stops live delivery to this feed. */
    @Override
    public void close() {
        broadcaster.unsubscribe(subscriber);
    }
}
