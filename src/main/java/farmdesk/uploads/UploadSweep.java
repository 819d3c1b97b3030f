package farmdesk.uploads;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes uploads past their expiry (FARMDESK_UPLOAD_EXPIRY_HOURS) that no message has, in the background,
 * like the event retention: a client that gave up, or never attached what it uploaded, must not leave its
 * bytes in the database for ever. Attached uploads stay as long as their message. Safe
 * on several instances at once (deleting an upload twice deletes it once).
 */
public final class UploadSweep implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UploadSweep.class.getName());

    private final ScheduledExecutorService timer;

    public UploadSweep(UploadStore store, Clock clock, Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "farmdesk-upload-sweep");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                int removed = store.expire(clock.instant());
                if (removed > 0) {
                    LOG.info("removed " + removed + " expired upload(s) no message has");
                }
            } catch (RuntimeException e) {
                // the database away for a moment: the next run tries again
                LOG.log(Level.WARNING, "upload sweep failed: " + e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
