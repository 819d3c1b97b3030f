package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;


/**
 * Makes writes share one group-commit batch for certain: a first write holds the appender until every
 * given write waits behind it, then lets them all run. Answers their futures once each has answered.
 */
final class OneBatch {

    private OneBatch() {
    }

    /**
     * @param first what the holding write does before it holds (e.g. append an event); may be null
     * @param writes each calls {@code log.write} (directly, or through a service) once
     */
    static <T> List<Future<T>> run(EventLog log, Consumer<LogTransaction> first, List<Callable<T>> writes) throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<?> holding = pool.submit(() -> log.write(tx -> {
                if (first != null) {
                    first.accept(tx);
                }
                firstRunning.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
            firstRunning.await();
            List<Future<T>> queued = new ArrayList<>();
            for (Callable<T> w : writes) {
                queued.add(pool.submit(w));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.queuedWrites() < writes.size()) { // all wait behind the first: they form one batch
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the writes never queued");
                }
                Thread.sleep(5);
            }
            releaseFirst.countDown();
            holding.get();
            for (Future<T> f : queued) {
                try {
                    f.get(); // every write has answered before the caller looks at the log
                } catch (ExecutionException failed) {
                    // the caller asserts which failed
                }
            }
            return queued;
        } finally {
            pool.shutdownNow();
        }
    }
}
