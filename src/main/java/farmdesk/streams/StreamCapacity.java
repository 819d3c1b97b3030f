package farmdesk.streams;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import farmdesk.Refused;

/**
 * How many SSE streams and held polls this instance takes at once: the connection cap
 * ({@code FARMDESK_MAX_CONNECTIONS}) minus a reserve. Past the connection cap a new connection is not
 * accepted at all: it waits in the listen backlog with no answer, and since streams last for hours a
 * reconnecting client there would wait without events and without a word (behind nginx: a 504 after
 * {@code proxy_read_timeout}). Streams are refused a little earlier instead, with 503 and a
 * {@code Retry-After} drawn between 2 and 5 s (clients refused together do not come back together) on
 * a connection that closes, and the reserve keeps REST calls, health and these answers served.
 */
final class StreamCapacity {

    static final int MAX_RESERVE = 64;
    static final int MIN_RETRY_AFTER_SECONDS = 2;
    static final int MAX_RETRY_AFTER_SECONDS = 5;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /** @param maxConnections the connection cap; 0 = none, and then no stream cap either */
    StreamCapacity(int maxConnections) {
        this.max = maxConnections <= 0 ? Integer.MAX_VALUE : maxConnections - reserve(maxConnections);
    }

    /** A tenth of the cap, at least 1, at most {@link #MAX_RESERVE}. */
    static int reserve(int maxConnections) {
        return Math.max(1, Math.min(MAX_RESERVE, maxConnections / 10));
    }

    /** Counts a stream or held poll in, or refuses it (503) when the instance is full; release it when it ends. */
    void take() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            throw Refused.unavailable("this instance holds as many streams as it may (" + max + "); retry shortly",
                    ThreadLocalRandom.current().nextInt(MIN_RETRY_AFTER_SECONDS, MAX_RETRY_AFTER_SECONDS + 1));
        }
    }

    void release() {
        open.decrementAndGet();
    }
}
