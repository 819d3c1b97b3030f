package farmdesk.streams;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Who has a live connection (an open SSE stream or a held poll) on this instance: a push is for people
 * who are not on the page. Counted per user id by {@link StreamEndpoints}, whatever the stream's topic.
 */
public final class Presence {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    void opened(String userId) {
        open.merge(userId, 1, Integer::sum);
    }

    void closed(String userId) {
        open.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Whether the user holds a stream or a poll here now. */
    public boolean isLive(String userId) {
        return open.containsKey(userId);
    }
}
