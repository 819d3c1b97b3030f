package farmdesk.auth;

import java.util.concurrent.ConcurrentHashMap;

/** Open streams and polls per user; zero turns the cap off. */
public final class StreamQuota {

    private final int perUser;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    public StreamQuota(int perUser) {
        this.perUser = perUser;
    }

    /** Reserves a slot; false when the user already holds the maximum. Release with {@link #release}. */
    public boolean tryAcquire(String userId) {
        boolean[] granted = {false};
        open.compute(userId, (k, n) -> {
            int count = n == null ? 0 : n;
            if (perUser > 0 && count >= perUser) {
                return n;
            }
            granted[0] = true;
            return count + 1;
        });
        return granted[0];
    }

    public void release(String userId) {
        open.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
    }
}
