package farmdesk.storage;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: "database" is up when a cheap round trip answers ({@link Database#ping()}); a load balancer
 * then stops sending traffic to an instance that cannot store anything.
 *
 * <p>The answer comes within {@link #ANSWER_WITHIN}, whatever the database does. When the database is
 * away, taking a connection from the pool waits for the pool's connection timeout (3 s, so that a
 * request gets its connection if one frees up); health probes (a load balancer's, every few seconds,
 * often with a 1-2 s timeout of their own) must not wait that long. So the round trip runs on a thread
 * of its own, at most one at a time: a probe that does not answer in time counts as DOWN, and the next
 * health calls wait on the same round trip instead of starting more.
 */
public final class DatabaseHealthCheck implements HealthCheck {

    /** How long a health call waits for the database's round trip before it says DOWN. */
    public static final Duration ANSWER_WITHIN = Duration.ofMillis(500);

    private final Database database;
    private CompletableFuture<Boolean> probe;

    public DatabaseHealthCheck(Database database) {
        this.database = database;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse.Builder answer = HealthCheckResponse.builder()
                .detail("answerWithinMs", ANSWER_WITHIN.toMillis());
        try {
            return answer.status(currentProbe().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)).build();
        } catch (TimeoutException e) {
            return answer.status(false).detail("reason", "no answer within " + ANSWER_WITHIN.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return answer.status(false).detail("reason", DatabaseFaultLog.firstLine(e.getCause())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answer.status(false).build();
        }
    }

    /** The round trip in flight, or a new one when the last has answered. */
    private synchronized CompletableFuture<Boolean> currentProbe() {
        if (probe == null || probe.isDone()) {
            CompletableFuture<Boolean> next = new CompletableFuture<>();
            Thread.ofVirtual().name("farmdesk-health-probe").start(() -> {
                try {
                    next.complete(database.ping());
                } catch (RuntimeException e) {
                    next.completeExceptionally(e);
                }
            });
            probe = next;
        }
        return probe;
    }
}
