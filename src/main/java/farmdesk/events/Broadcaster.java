package farmdesk.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process hub. Events are handed over in commit order ({@link #publish}) and fanned out by one
 * dispatcher thread, so every subscriber receives them in that order and the publisher never waits
 * for any subscriber. Subscribers are indexed by topic: an event costs a look-up per topic kind,
 * not a scan of every open stream.
 */
public final class Broadcaster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Broadcaster.class.getName());
    private static final Event STOP = Event.live("stop", 0, "", null, "{}");

    private final ConcurrentHashMap<Long, Set<Subscriber>> byTicket = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Subscriber>> byFarmer = new ConcurrentHashMap<>();
    private final Set<Subscriber> everything = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Event> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread dispatcher;
    private volatile Consumer<Subscriber> onDrop = s -> { };

    public Broadcaster() {
        dispatcher = Thread.ofPlatform().name("farmdesk-broadcaster").daemon().start(this::dispatch);
    }

    /** Hands an event over for delivery. Call in commit order; never blocks. */
    public void publish(Event event) {
        outbox.add(event);
    }

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

    public long droppedCount() {
        return dropped.get();
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

    private void dispatch() {
        while (true) {
            Event event;
            try {
                event = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            if (event == STOP) {
                return;
            }
            try {
                deliver(event, byTicket.get(event.ticket()));
                deliver(event, byFarmer.get(event.farmerId()));
                deliver(event, everything);
                if (event.isStored()) {
                    published.incrementAndGet();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "delivery of " + event + " failed", e);
            }
        }
    }

    private void deliver(Event event, Set<Subscriber> subscribers) {
        if (subscribers == null) {
            return;
        }
        for (Subscriber s : subscribers) {
            if (s.accepts(event) && !s.offer(event)) {
                // too far behind: stop feeding it; its stream ends and the client resumes by id
                unsubscribe(s);
                dropped.incrementAndGet();
                onDrop.accept(s);
            }
        }
    }

    @Override
    public void close() {
        outbox.add(STOP);
        try {
            dispatcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
