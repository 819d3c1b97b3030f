package farmdesk.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The in-process fan-out: subscribers indexed by topic, so an event costs one look-up per topic kind,
 * not a scan of every open stream. {@link #deliver} is called by one thread only (the
 * {@link Sequencer}'s), in id order; offering to a subscriber's queue never blocks, so a slow
 * subscriber cannot hold up anyone else.
 */
public final class Broadcaster {

    private final ConcurrentHashMap<Long, Set<Subscriber>> byTicket = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Subscriber>> byFarmer = new ConcurrentHashMap<>();
    private final Set<Subscriber> everything = ConcurrentHashMap.newKeySet();
    private final AtomicLong published = new AtomicLong();
    private volatile Consumer<Subscriber> onDrop = s -> { };

    public void subscribe(Subscriber s) {
        setFor(s.audience().topic(), true).add(s);
    }

    public void unsubscribe(Subscriber s) {
        Topic topic = s.audience().topic();
        Set<Subscriber> set = setFor(topic, false);
        if (set != null) {
            set.remove(s);
            // drop empty per-ticket and per-farmer sets so closed topics don't accumulate
            switch (topic) {
                case Topic.Ticket t -> byTicket.computeIfPresent(t.ticket(), (k, v) -> v.isEmpty() ? null : v);
                case Topic.Farmer f -> byFarmer.computeIfPresent(f.farmerId(), (k, v) -> v.isEmpty() ? null : v);
                case Topic.All a -> { }
            }
        }
    }

    /** Called with each subscriber dropped for lagging (for metrics). */
    public void onDrop(Consumer<Subscriber> listener) {
        this.onDrop = listener;
    }

    public long publishedCount() {
        return published.get();
    }


    /** Offers the event to every subscriber of its ticket, its farmer and all tickets. One thread only. */
    void deliver(Event event) {
        deliver(event, byTicket.get(event.ticket()));
        deliver(event, byFarmer.get(event.farmerId()));
        deliver(event, everything);
        if (event.isStored()) {
            published.incrementAndGet();
        }
    }

    /**
     * Offers the heartbeat to every stream. One shared timer for all streams: a timed wait per stream
     * would re-arm a timer on every event. Any thread may call this.
     */
    public void heartbeat() {
        byTicket.values().forEach(set -> deliver(Event.HEARTBEAT, set));
        byFarmer.values().forEach(set -> deliver(Event.HEARTBEAT, set));
        deliver(Event.HEARTBEAT, everything);
    }

    private void deliver(Event event, Set<Subscriber> subscribers) {
        if (subscribers == null) {
            return;
        }
        for (Subscriber s : subscribers) {
            if (s.accepts(event) && !s.offer(event)) {
                // too far behind: stop feeding it; its stream ends and the client resumes by id
                unsubscribe(s);
                s.dropped();
                onDrop.accept(s);
            }
        }
    }

    private Set<Subscriber> setFor(Topic topic, boolean create) {
        return switch (topic) {
            case Topic.Ticket t -> create
                    ? byTicket.compute(t.ticket(), (k, v) -> v != null ? v : ConcurrentHashMap.newKeySet())
                    : byTicket.get(t.ticket());
            case Topic.Farmer f -> create
                    ? byFarmer.compute(f.farmerId(), (k, v) -> v != null ? v : ConcurrentHashMap.newKeySet())
                    : byFarmer.get(f.farmerId());
            case Topic.All a -> everything;
        };
    }
}
