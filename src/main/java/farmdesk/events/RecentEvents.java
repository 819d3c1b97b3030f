package farmdesk.events;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest stored events, in id order, as the {@link Sequencer} delivered them: most resumes and
 * long-polls ask for "what came after the id I just saw", and this answers without a database query.
 * It covers every event with {@code floor < id <= newest}; anything older comes from the log.
 *
 * <p>Bounded by bytes, not by a count: an event's size is set by what a user typed (a 4,000-character
 * message of control characters is ~50 KB once escaped and encoded twice), so a count bound lets a few
 * users posting large messages grow the heap by gigabytes. The oldest events leave once the
 * {@linkplain Event#footprint() footprints} of those held pass the budget.
 */
final class RecentEvents {

    private static final int INITIAL_SLOTS = 1024;

    private final long maxBytes;
    private Event[] ring = new Event[INITIAL_SLOTS];
    private int head;    // slot of the oldest event held
    private int size;    // events held
    private long bytes;  // sum of their footprints
    private long floor;  // every event with an id above this is held

    /** @param maxBytes the most the events held may add up to ({@link Event#footprint()}); 0 holds none */
    RecentEvents(long maxBytes, long startAfter) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
        this.maxBytes = maxBytes;
        this.floor = startAfter;
    }

    /** Called by the sequencer thread only, in id order. */
    synchronized void add(Event e) {
        if (size == ring.length) {
            grow();
        }
        ring[slot(size)] = e;
        size++;
        bytes += e.footprint();
        while (bytes > maxBytes && size > 0) {
            Event oldest = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            bytes -= oldest.footprint();
            floor = oldest.id(); // evicted: memory no longer covers it
        }
    }

    /**
     * Up to {@code limit} events after {@code after} that the audience may see, oldest first; null when
     * memory does not reach back that far (read the log instead).
     */
    synchronized List<Event> after(long after, Audience audience, int limit) {
        if (after < floor) {
            return null;
        }
        List<Event> out = new ArrayList<>(Math.min(limit, 16));
        for (int i = firstAfter(after); i < size && out.size() < limit; i++) {
            Event e = ring[slot(i)];
            if (audience.accepts(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Whether {@code id} is the id of an event held here: then the log held it too when it was delivered
     * (a resume from it needs no query to know it is not an id the log never held). False says nothing
     * either way: ask the log.
     */
    synchronized boolean holds(long id) {
        int at = firstAfter(id) - 1;
        return at >= 0 && ring[slot(at)].id() == id;
    }

    /** Drops the events up to {@code id}: retention pruned them from the log (see {@link Retention}). */
    synchronized void forgetUpTo(long id) {
        while (size > 0 && ring[head].id() <= id) {
            bytes -= ring[head].footprint();
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
        floor = Math.max(floor, id);
    }

    /** The sum of the footprints of the events held (for tests). */
    synchronized long bytes() {
        return bytes;
    }

    /** The slot of the i-th oldest event held. */
    private int slot(int i) {
        return (head + i) % ring.length;
    }

    /** Doubles the ring, oldest event first: small events under a large budget are many. */
    private void grow() {
        Event[] bigger = new Event[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[slot(i)];
        }
        ring = bigger;
        head = 0;
    }

    /** The position (0 = oldest) of the first event with an id above {@code after} (binary search: ids increase). */
    private int firstAfter(long after) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring[slot(mid)].id() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
