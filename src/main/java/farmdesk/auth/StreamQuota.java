package farmdesk.auth;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open streams and polls per user; zero turns the cap off.
 *
 * <p>Reconnects: a client that vanished keeps its stream until a write to it fails (up to two
 * heartbeats), and a native EventSource never retries a 429. So at the cap, a new SSE stream takes the
 * slot of the same user's oldest SSE stream on the same path (same {@code key}), which is told to end:
 * that is the connection it replaces. Anything else at the cap is refused: a different stream, and polls
 * (their clients retry after {@code Retry-After}, and two polls taking each other's slot would loop).
 */
public final class StreamQuota {

    /** A held slot: release it when the stream or poll ends (releasing a slot given to a newer stream does nothing). */
    public final class Slot {

        private final String userId;
        private final Object key;
        private final Runnable end;

        private Slot(String userId, Object key, Runnable end) {
            this.userId = userId;
            this.key = key;
            this.end = end;
        }

        public void release() {
            if (userId == null) {
                return; // no cap: nothing was counted
            }
            open.computeIfPresent(userId, (k, slots) -> {
                slots.remove(this);
                return slots.isEmpty() ? null : slots;
            });
        }
    }

    private final int perUser;
    /** Per user, the slots held, oldest first. */
    private final ConcurrentHashMap<String, ArrayDeque<Slot>> open = new ConcurrentHashMap<>();
    private final Slot unlimited = new Slot(null, null, null);

    public StreamQuota(int perUser) {
        this.perUser = perUser;
    }

    /**
     * Reserves a slot, or returns null when the user holds the maximum and none can be taken over.
     *
     * @param key  what a newer stream of this user must ask for to replace this one (the stream's path),
     *             or null for a poll (it neither replaces nor is replaced)
     * @param end  tells this stream to end when a newer one takes its slot (null for a poll)
     */
    public Slot acquire(String userId, Object key, Runnable end) {
        if (perUser == 0) {
            return unlimited;
        }
        Slot mine = new Slot(userId, key, end);
        Slot[] replaced = {null};
        boolean[] granted = {false};
        open.compute(userId, (k, slots) -> {
            ArrayDeque<Slot> held = slots != null ? slots : new ArrayDeque<>();
            if (held.size() >= perUser && key != null) {
                for (Slot s : held) {
                    if (key.equals(s.key)) {
                        replaced[0] = s;
                        break;
                    }
                }
                if (replaced[0] != null) {
                    held.remove(replaced[0]);
                }
            }
            if (held.size() < perUser) {
                held.addLast(mine);
                granted[0] = true;
            }
            return held.isEmpty() ? null : held;
        });
        if (replaced[0] != null) {
            replaced[0].end.run(); // outside the map's lock: it only signals the stream's own thread
        }
        return granted[0] ? mine : null;
    }
}
