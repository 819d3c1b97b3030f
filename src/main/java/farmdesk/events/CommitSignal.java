package farmdesk.events;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Raised by the {@link Sequencer} each time it delivers a stored event, whether committed here or told of by
 * the relay from another instance: the followers of the log (the push sender, webhook deliveries) wait on it
 * instead of polling, so a commit reaches them at once and an idle follower costs nothing. A follower still
 * waits with a timeout (its fallback: lease renewal, a notice the relay never gave).
 *
 * <p>{@link #newest()} is the newest stored id this instance has delivered: alike on every instance that is
 * not behind. A {@link ReentrantLock}, not {@code synchronized}: waiters are virtual threads.
 */
public final class CommitSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long newest;

    public CommitSignal(long startAfter) {
        this.newest = startAfter;
    }

    /** The newest stored id delivered on this instance. */
    public long newest() {
        return newest;
    }

    /** The sequencer delivered {@code id} (ids only grow). */
    void raise(long id) {
        lock.lock();
        try {
            newest = id;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an event after {@code id} is delivered or {@code timeout} passes, whichever comes first;
     * returns {@link #newest()} (at once when it is already past {@code id}).
     */
    public long awaitPast(long id, Duration timeout) throws InterruptedException {
        return awaitPast(id, timeout, () -> false);
    }

    /**
     * As {@link #awaitPast(long, Duration)}, also ending when {@code orWhen} holds. It is checked under the
     * signal's lock, and {@link #wakeAll()} takes that lock after the caller made it true: a wake-up is never
     * missed between the check and the wait.
     */
    public long awaitPast(long id, Duration timeout, BooleanSupplier orWhen) throws InterruptedException {
        if (newest > id) {
            return newest;
        }
        long left = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        lock.lock();
        try {
            while (newest <= id && !orWhen.getAsBoolean() && left > 0) {
                left = changed.awaitNanos(left);
            }
            return newest;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes every waiter to check its {@code orWhen} (something besides a commit wants a follower to look:
     * an endpoint was resumed, the lease was taken).
     */
    public void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
