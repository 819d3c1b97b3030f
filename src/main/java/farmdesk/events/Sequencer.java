package farmdesk.events;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

import farmdesk.storage.DatabaseFaultLog;

/**
 * Puts stored events into one gap-free id order before fan-out, whether they were committed here or
 * on another instance. One thread does all delivery, so every subscriber sees increasing ids.
 *
 * <p>Appends are serialised across instances, so when event N has committed, every smaller id that
 * will ever commit already has. Hence, before delivering N, the sequencer reads from the log whatever
 * lies between the last id it delivered and N (events of other instances whose notification has not
 * arrived yet, or nothing when the gap is a rolled-back id). Notifications from other instances only
 * say "the log has grown to N"; the log itself is the source of what to deliver.
 */
public final class Sequencer implements Relay.Inbox, AutoCloseable {

    /** Reads stored events with {@code after < id <= upTo}, oldest first, at most {@code limit}. */
    @FunctionalInterface
    public interface Backfill {
        List<Event> read(long after, long upTo, int limit);
    }

    private sealed interface Item {
    }

    private record Committed(Event event) implements Item {
    }

    /** {@code at}: {@link System#nanoTime()} when the news came; 0 for a catch-up (when unknown). */
    private record GrownTo(long id, long at) implements Item {
    }

    private record Live(Event event) implements Item {
    }

    private record Stop() implements Item {
    }

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());
    private static final int BACKFILL_BATCH = 1000;
    /** What the newest events held in memory may add up to, unless set (FARMDESK_RECENT_EVENTS_BYTES). */
    public static final int DEFAULT_RECENT_BYTES = 32 * 1024 * 1024;
    private static final long RETRY_MILLIS = 500;

    private final Broadcaster broadcaster;
    private final Backfill backfill;
    private final LinkedBlockingQueue<Item> inbox = new LinkedBlockingQueue<>();
    private final RecentEvents recent;
    private final Thread thread;
    /** The highest stored id handed to the broadcaster. Only the sequencer thread writes it. */
    private volatile long delivered;
    /** Raised after each delivery: the followers of the log (push, webhooks) wake on it. */
    private final CommitSignal signal;

    public Sequencer(Broadcaster broadcaster, Backfill backfill, long startAfter) {
        this(broadcaster, backfill, startAfter, DEFAULT_RECENT_BYTES);
    }

    /**
     * @param recentBytes what the newest events kept in memory for resumes and polls may add up to;
     *                    older ones are read from the log
     */
    public Sequencer(Broadcaster broadcaster, Backfill backfill, long startAfter, long recentBytes) {
        this.broadcaster = broadcaster;
        this.backfill = backfill;
        this.delivered = startAfter;
        this.signal = new CommitSignal(startAfter);
        this.recent = new RecentEvents(recentBytes, startAfter);
        this.thread = Thread.ofPlatform().name("farmdesk-sequencer").daemon().start(this::run);
    }

    /** An event committed here; called in commit order, right after commit. Never blocks. */
    public void committed(Event event) {
        event.committedAt(System.nanoTime());
        inbox.add(new Committed(event));
    }

    @Override
    public void grownTo(long id) {
        inbox.add(new GrownTo(id, System.nanoTime()));
    }

    @Override
    public void catchUp() {
        inbox.add(new GrownTo(Long.MAX_VALUE, 0));
    }

    @Override
    public void live(Event event) {
        inbox.add(new Live(event));
    }

    /** The highest stored id delivered so far. */
    public long delivered() {
        return delivered;
    }

    /** Raised each time {@link #delivered()} grows. */
    public CommitSignal signal() {
        return signal;
    }

    private void run() {
        while (true) {
            Item item;
            try {
                item = inbox.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                switch (item) {
                    case Stop s -> {
                        return;
                    }
                    case Live l -> broadcaster.deliver(l.event());
                    case Committed c -> {
                        if (c.event().id() > delivered) {
                            fill(c.event().id() - 1, c.event().committedNanos());
                            deliver(c.event());
                        }
                    }
                    case GrownTo g -> fill(g.id(), g.at());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Recent events first (a subscriber that registers meanwhile dedupes by id), then the streams. */
    private void deliver(Event e) {
        recent.add(e);
        broadcaster.deliver(e);
        delivered = e.id();
        signal.raise(e.id());
    }

    /**
     * Stored events after {@code after} that the audience may see, from memory; null when {@code after}
     * is older than what memory holds.
     */
    List<Event> recentAfter(long after, Audience audience, int limit) {
        return recent.after(after, audience, limit);
    }

    /** Whether memory holds the event {@code id} (false: ask the log). */
    boolean recentHolds(long id) {
        return recent.holds(id);
    }

    /** Retention pruned the log up to {@code id}: memory no longer answers for those events either. */
    void forgetUpTo(long id) {
        recent.forgetUpTo(id);
    }

    /** Delivers everything in the log after {@link #delivered} up to {@code upTo}; retries while the database is away. */
    private void fill(long upTo, long learnedAt) throws InterruptedException {
        int failures = 0;
        while (delivered < upTo) {
            List<Event> batch;
            try {
                batch = backfill.read(delivered, upTo, BACKFILL_BATCH);
            } catch (RuntimeException e) {
                // one line when it starts failing, one when it reads again: not a line per retry (every 0.5 s)
                LOG.log(failures++ == 0 ? Level.WARNING : Level.FINE, "cannot read the event log to deliver events after "
                        + delivered + "; retrying: " + DatabaseFaultLog.firstLine(e));
                Thread.sleep(RETRY_MILLIS);
                continue;
            }
            if (failures > 0) {
                LOG.info("reading the event log again after " + failures + " failed attempt(s); delivering from " + delivered);
                failures = 0;
            }
            for (Event e : batch) {
                if (learnedAt != 0) {
                    e.committedAt(learnedAt);
                }
                deliver(e);
            }
            if (batch.size() < BACKFILL_BATCH) {
                return;
            }
        }
    }

    @Override
    public void close() {
        inbox.add(new Stop());
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
