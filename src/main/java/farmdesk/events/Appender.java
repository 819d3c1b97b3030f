package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

/**
 * Serialised appends with group commit. One writer at a time holds the append lock, so ids commit in
 * id order; whoever holds it takes every write queued meanwhile and runs them in one transaction, each
 * in its own savepoint (a refused write undoes only itself), then commits once: one H2 store or one
 * PostgreSQL WAL flush for the batch instead of one per write. After the commit it hands the events to
 * the {@link Sequencer} in order, and only then answers the writers.
 *
 * <p>A write fails alone, whatever fails in it. A rule that refuses (a {@code Refused} thrown between
 * statements) rolls back to its savepoint. A statement the database rejects is different: Helidon's DB
 * client closes the transaction's connection when a statement fails (the pool rolls it back), so there
 * is no savepoint left to return to. Then the batch runs again, in a new transaction, without the write
 * that broke it. Re-running is safe because a write is only database work (nothing of a rolled-back
 * attempt is published or answered), and it is the simplest design that keeps one transaction API for
 * the domain's statements: the alternative, running batches on a raw JDBC connection whose savepoints
 * survive a failed statement, would need a second way to write every statement. Each retry drops a
 * write, so a batch runs at most once per write in it; in practice a database error is rare (a bug, a
 * constraint added by an operator) and costs one more transaction.
 */
final class Appender {

    private static final int MAX_BATCH = 128;
    private static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** One queued write and, once run, its outcome. */
    private static final class Pending<R> {
        final EventLog.Work<R> work;
        R result;
        Throwable failure;
        List<Event> events = List.of();
        volatile boolean done;

        Pending(EventLog.Work<R> work) {
            this.work = work;
        }
    }

    private final DbClient db;
    private final Sequencer sequencer;
    private final Relay relay;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /** The newest event id committed by this instance (set before the sequencer gets it). */
    private volatile long lastCommitted;

    Appender(DbClient db, Sequencer sequencer, Relay relay) {
        this.db = db;
        this.sequencer = sequencer;
        this.relay = relay;
    }

    <R> R write(EventLog.Work<R> work) {
        Pending<R> mine = new Pending<>(work);
        queue.add(mine);
        long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
        boolean locked;
        try {
            locked = appendLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            if (queue.remove(mine)) {
                // not taken by any writer: it never runs, so "unavailable" is the truth
                throw new EventLog.Unavailable("the event log is busy; retry shortly");
            }
            appendLock.lock(); // a writer holds it and is running it: wait for the outcome
        }
        try {
            if (!mine.done) {
                runBatch(); // still queued: lead a batch, which takes it too
            }
        } finally {
            appendLock.unlock();
        }
        return outcome(mine);
    }

    long lastCommitted() {
        return lastCommitted;
    }

    /** Writes waiting for the lock (for tests that need a batch to form). */
    int queued() {
        return queue.size();
    }

    /** Stops taking writes: the batch in progress commits; later writes answer 503. */
    void close() {
        boolean locked = false;
        try {
            locked = appendLock.tryLock(LOCK_WAIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        if (locked) {
            appendLock.unlock();
        }
    }

    /** Under the lock: runs up to MAX_BATCH queued writes in one transaction. */
    private void runBatch() {
        List<Pending<?>> batch = new ArrayList<>();
        for (Pending<?> p = queue.poll(); p != null; p = batch.size() < MAX_BATCH - 1 ? queue.poll() : null) {
            batch.add(p);
        }
        if (closed) {
            batch.forEach(p -> p.failure = new EventLog.Unavailable("the service is shutting down; retry shortly"));
        } else {
            runInOneTransaction(batch);
        }
        for (Pending<?> p : batch) {
            for (Event e : p.events) {
                lastCommitted = e.id();
                sequencer.committed(e);
            }
        }
        for (Pending<?> p : batch) {
            p.done = true;
        }
    }

    /**
     * Runs the batch in one transaction, again without a write whose failed statement took the
     * transaction down with it, until the rest commits (or fails as a whole: the database is away).
     */
    private void runInOneTransaction(List<Pending<?>> batch) {
        List<Pending<?>> remaining = new ArrayList<>(batch);
        while (!remaining.isEmpty()) {
            Pending<?> broke = attempt(remaining);
            if (broke == null) {
                return;
            }
            remaining.remove(broke); // its failure stays; the others' outcomes of this attempt are void
            for (Pending<?> p : remaining) {
                p.result = null;
                p.failure = null;
                p.events = List.of();
            }
        }
    }

    /**
     * One transaction over {@code batch}. Returns the write whose failure ended the transaction
     * before the others could commit, for the caller to run them again without it; null when the
     * batch committed, or failed as a whole (every outcome is then set).
     */
    private Pending<?> attempt(List<Pending<?>> batch) {
        DbTransaction tx = db.transaction();
        try {
            relay.beforeAppend(tx);
            boolean shared = batch.size() > 1;
            for (Pending<?> p : batch) {
                if (!run(p, tx, shared)) {
                    rollbackQuietly(tx, p.failure);
                    return p;
                }
            }
            tx.commit();
            return null;
        } catch (RuntimeException | Error e) {
            rollbackQuietly(tx, e);
            for (Pending<?> p : batch) {
                if (p.failure == null) {
                    p.failure = e;
                }
                p.events = List.of();
            }
            return null;
        }
    }

    /**
     * One write; when it shares the transaction, inside its own savepoint (plain SQL, the same on H2
     * and PostgreSQL), so its failure undoes only itself. Returns false when the write failed and the
     * transaction cannot go on: returning to the savepoint failed too, as it does after a statement
     * the database rejected (the DB client has closed the connection).
     */
    private <R> boolean run(Pending<R> p, DbTransaction tx, boolean shared) {
        if (shared) {
            tx.dml("SAVEPOINT farmdesk_write");
        }
        LogTransaction ltx = new LogTransaction(tx, relay);
        try {
            p.result = p.work.run(ltx);
            p.events = ltx.appended();
            return true;
        } catch (RuntimeException e) {
            if (!shared) {
                throw e; // alone in its transaction: the whole transaction rolls back
            }
            p.failure = e;
            try {
                tx.dml("ROLLBACK TO SAVEPOINT farmdesk_write");
                return true;
            } catch (RuntimeException lost) {
                e.addSuppressed(lost);
                return false;
            }
        }
    }

    private static void rollbackQuietly(DbTransaction tx, Throwable cause) {
        try {
            tx.rollback();
        } catch (RuntimeException r) {
            if (cause != null) {
                cause.addSuppressed(r);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> R outcome(Pending<R> p) {
        if (p.failure instanceof RuntimeException e) {
            throw e;
        }
        if (p.failure instanceof Error e) {
            throw e;
        }
        if (p.failure != null) {
            throw new IllegalStateException("the write failed", p.failure);
        }
        return p.result;
    }
}
