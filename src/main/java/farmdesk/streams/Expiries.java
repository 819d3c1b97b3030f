package farmdesk.streams;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for the token expiry of every open stream, so a stream ends with token-expired at its
 * token's {@code exp} rather than at whatever wakes it next (a heartbeat up to a period later). One task
 * per stream for its whole life: a timed wait in each stream would re-arm a timer at every event.
 */
final class Expiries implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer =
            new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("farmdesk-token-expiry").daemon().factory());

    Expiries() {
        timer.setRemoveOnCancelPolicy(true); // a stream that ends first takes its task out at once
    }

    /** Runs {@code task} at {@code when} (at once if it has passed); cancel the answer when it is no longer wanted. */
    Future<?> at(Instant when, Runnable task) {
        long millis = Math.max(0, when.toEpochMilli() - System.currentTimeMillis());
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the server is stopping: every stream is being ended anyway
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
