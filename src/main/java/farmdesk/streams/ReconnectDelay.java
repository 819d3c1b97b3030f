package farmdesk.streams;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code retry:} each SSE stream announces: how long its client waits before reconnecting after the
 * stream ends. Drawn per stream, uniformly between {@link #MIN_MILLIS} and {@link #MAX_MILLIS}, so that
 * when an instance stops (or restarts) its clients do not all come back in the same instant: with one
 * fixed value, every EventSource whose stream was cut at the same moment reconnects at the same moment
 * (docs/benchmarks.md "Reconnect storm").
 *
 * <p>The mean stays today's 3 s. The top stays below the pages' own patience: web/live/sse.js gives up on
 * a browser's reconnect 3 s + {@code openMs} (3 s) after the error and falls back to polling.
 */
final class ReconnectDelay {

    static final int MIN_MILLIS = 2000;
    static final int MAX_MILLIS = 4000;

    private ReconnectDelay() {
    }

    /** A fresh draw for one stream. */
    static int nextMillis() {
        return ThreadLocalRandom.current().nextInt(MIN_MILLIS, MAX_MILLIS + 1);
    }
}
