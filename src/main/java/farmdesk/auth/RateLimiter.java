package farmdesk.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Posting rate per user: a token bucket refilled at {@code perSecond}, holding at most twice that
 * (the burst). Zero turns the limit off.
 */
public final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perSecond) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
    }

    /** Takes one token; returns 0 when allowed, else the whole seconds to wait before retrying. */
    public long acquire(String userId) {
        if (perSecond <= 0) {
            return 0;
        }
        Bucket b = buckets.computeIfAbsent(userId, k -> new Bucket(burst, System.nanoTime()));
        synchronized (b) {
            long now = System.nanoTime();
            b.tokens = Math.min(burst, b.tokens + (now - b.refilledAt) / 1e9 * perSecond);
            b.refilledAt = now;
            if (b.tokens >= 1.0) {
                b.tokens -= 1.0;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1.0 - b.tokens) / perSecond));
        }
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
