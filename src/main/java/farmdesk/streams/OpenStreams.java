package farmdesk.streams;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import farmdesk.events.Feed;

/**
 * Every open SSE stream and held poll of this instance, so a stop can end each one normally: its handler
 * returns, Helidon writes the end of the response (the terminating chunk), and only then does the server
 * stop. Cut by the server's stop instead, a stream ends without it ({@code curl -N} exits 18, nginx logs
 * "upstream prematurely closed").
 */
final class OpenStreams {

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

    /** Tells every stream and poll to end and waits (bounded) until their handlers have answered; true when all did. */
    boolean endAll(Duration max) {
        ending = true;
        open.forEach(s -> s.signal(StreamSignals.END));
        long deadline = System.nanoTime() + max.toNanos();
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
