package farmdesk.hooks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause before retrying a failed delivery: doubling from the first pause up to the longest, with
 * "equal jitter" (half fixed, half random), so endpoints failing together, or several receivers behind
 * one proxy that comes back, are not retried in lockstep.
 */
record Backoff(Duration first, Duration max) {

    /** The pause after the {@code attempts}-th failed attempt in a row (1 for the first failure). */
    Duration after(int attempts) {
        long base = first.toMillis();
        for (int i = 1; i < attempts && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        long half = base / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(base - half + 1));
    }
}
