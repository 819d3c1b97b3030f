package farmdesk.events;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest stored events, in id order, as the {@link Sequencer} delivered them: most resumes and
 * long-polls ask for "what came after the id I just saw", and this answers without a database query.
 * It covers every event with {@code floor < id <= newest}; anything older comes from the log.
 */
final class RecentEvents {

    private final Event[] ring;
    private long count;   // events ever added; slot of event i is i % ring.length
    private long floor;   // every event with an id above this is in the ring

    RecentEvents(int capacity, long startAfter) {
        this.ring = new Event[capacity];
        this.floor = startAfter;
    }

    /** Called by the sequencer thread only, in id order. */
    synchronized void add(Event e) {
        int slot = (int) (count % ring.length);
        if (count >= ring.length) {
            floor = ring[slot].id(); // evicted: the ring no longer covers it
        }
        ring[slot] = e;
        count++;
    }

    /**
     * Up to {@code limit} events after {@code after} that the audience may see, oldest first; null when
     * the ring does not reach back that far (read the log instead).
     */
    synchronized List<Event> after(long after, Audience audience, int limit) {
        if (after < floor) {
            return null;
        }
        long oldest = Math.max(0, count - ring.length);
        long i = firstAfter(after, oldest);
        List<Event> out = new ArrayList<>(Math.min(limit, 16));
        for (; i < count && out.size() < limit; i++) {
            Event e = ring[(int) (i % ring.length)];
            if (audience.accepts(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The position of the first event with an id above {@code after} (binary search: ids increase). */
    private long firstAfter(long after, long oldest) {
        long lo = oldest;
        long hi = count;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (ring[(int) (mid % ring.length)].id() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
