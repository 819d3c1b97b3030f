package farmdesk.streams;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When each open stream ends during a stop. The window is cut into one slot per stream and each stream
 * ends at a random moment of its own slot: every moment is distinct, and the ends arrive at an even rate
 * (uniform draws over the whole window would bunch up by chance).
 *
 * <p>The window is {@link #WINDOW} (3 s) once there are enough streams to fill it at {@link #SPACING}
 * (10 ms) apart, shorter below that: a few streams reconnecting elsewhere are no storm, and a stop with
 * ten streams should not take three seconds. With the stop's bound of 5 s for streams and polls
 * (StreamEndpoints), 2 s remain for the last ones to write their end.
 */
final class DrainPlan {

    static final Duration WINDOW = Duration.ofSeconds(3);
    static final Duration SPACING = Duration.ofMillis(10);

    private DrainPlan() {
    }

    /** The drain window for {@code streams} open streams and polls. */
    static Duration window(int streams) {
        long spread = SPACING.toNanos() * streams;
        return Duration.ofNanos(Math.min(WINDOW.toNanos(), spread));
    }

    /** {@code streams} distinct offsets (nanoseconds from the stop's start), increasing, all within {@link #window}. */
    static long[] moments(int streams) {
        long window = window(streams).toNanos();
        long[] at = new long[streams];
        for (int i = 0; i < streams; i++) {
            long from = window * i / streams;
            long to = window * (i + 1) / streams; // exclusive; slots never overlap
            at[i] = to > from ? ThreadLocalRandom.current().nextLong(from, to) : from;
        }
        return at;
    }
}
