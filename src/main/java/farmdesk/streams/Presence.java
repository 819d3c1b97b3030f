package farmdesk.streams;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who has a live connection (an open SSE stream or a held poll) on this instance: a push is for people
 * who are not on the page. Counted per user id by {@link StreamEndpoints}, whatever the stream's topic.
 * Web Push shares it with the other instances ({@code farmdesk.push.SharedPresence}).
 */
public final class Presence {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private volatile Consumer<String> arrivals = userId -> { };
    private volatile Consumer<String> departures = userId -> { };

    void opened(String userId) {
        if (open.merge(userId, 1, Integer::sum) == 1) {
            arrivals.accept(userId);
        }
    }

    void closed(String userId) {
        if (open.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1) == null) {
            departures.accept(userId);
        }
    }

    /** Whether the user holds a stream or a poll here now. */
    public boolean isLive(String userId) {
        return open.containsKey(userId);
    }

    /** The users live here now. */
    public Set<String> users() {
        return Set.copyOf(open.keySet());
    }

    /**
     * Told when a user's first connection here opens (on the request's thread: it must return at once).
     */
    public void onArrival(Consumer<String> listener) {
        arrivals = listener;
    }

    /** Told when a user's last connection here closes (on the request's thread: it must return at once). */
    public void onDeparture(Consumer<String> listener) {
        departures = listener;
    }
}
