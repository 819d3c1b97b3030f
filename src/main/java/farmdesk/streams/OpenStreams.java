package farmdesk.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import farmdesk.events.Feed;

/**
 * Every open SSE stream and held poll of this instance, so a stop can end each one normally: its handler
 * returns, Helidon writes the end of the response (the terminating chunk), and only then does the server
 * stop. Cut by the server's stop instead, a stream ends without it ({@code curl -N} exits 18, nginx logs
 * "upstream prematurely closed").
 *
 * <p>A stop does not end them all in the same instant: each gets a moment of its own within a short drain
 * window ({@link DrainPlan}), so their clients reconnect to the other instances spread out rather than
 * all at once (the rolling-update advice of Mercure's hub, which does the same).
 */
final class OpenStreams {

    /** Test seam: the end moments a stop planned, one per stream and held poll, as offsets from the stop's start. */
    static volatile Consumer<List<Duration>> planned = plan -> { };

    private final Set<Feed> open = ConcurrentHashMap.newKeySet();
    private volatile boolean ending;

    /** Counts a stream or poll in (call before it waits); one that arrives while ending is told to end at once. */
    void add(Feed s) {
        open.add(s);
        if (ending) {
            s.signal(StreamSignals.END); // after the add: endAll either sees this one, or this sees ending
        }
    }

    void remove(Feed s) {
        open.remove(s);
    }

    /**
     * Tells every stream and poll to end, each at its moment of the drain plan, and waits until their
     * handlers have answered, at most {@code max} from the start (the plan's window lies within it);
     * true when all did.
     */
    boolean endAll(Duration max) {
        long start = System.nanoTime();
        ending = true; // from now on a newcomer ends at once (add); those open now are in the plan
        List<Feed> feeds = new ArrayList<>(open);
        Collections.shuffle(feeds); // who ends first is chance, not the order they opened in
        long[] at = DrainPlan.moments(feeds.size());
        List<Duration> plan = new ArrayList<>(at.length);
        for (long offset : at) {
            plan.add(Duration.ofNanos(offset));
        }
        planned.accept(Collections.unmodifiableList(plan));
        long deadline = start + max.toNanos();
        for (int i = 0; i < feeds.size(); i++) {
            long wait = start + at[i] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    feeds.subList(i, feeds.size()).forEach(f -> f.signal(StreamSignals.END));
                    return false;
                }
            }
            feeds.get(i).signal(StreamSignals.END); // a feed that ended by itself meanwhile ignores it
        }
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return open.isEmpty();
    }
}
