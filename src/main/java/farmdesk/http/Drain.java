package farmdesk.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The first half of a graceful stop. Counts requests in progress (streams and polls aside: they hold
 * on purpose and are ended by the server's stop); once {@link #drain} is called, every new request
 * is answered 503 with {@code Retry-After} and {@code Connection: close} before it touches anything,
 * and {@link #drain} waits (bounded) until the requests already in progress have answered. Only then
 * may the server stop, which interrupts what still runs: without the wait, a post interrupted in its
 * commit could be stored yet answered 503.
 */
public final class Drain implements Filter {

    private final AtomicInteger inProgress = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (isStream(req.path().path())) {
            if (draining) {
                refuse(res);
                return;
            }
            chain.proceed();
            return;
        }
        inProgress.incrementAndGet(); // before the check: drain() either sees this request or it sees draining
        try {
            if (draining) {
                refuse(res);
                return;
            }
            chain.proceed();
        } finally {
            if (inProgress.decrementAndGet() == 0 && draining) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    /** Refuses new requests from now on and waits up to {@code max} for those in progress; true when all answered. */
    public boolean drain(Duration max) {
        draining = true;
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (idle) {
            while (inProgress.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    public boolean draining() {
        return draining;
    }

    private static void refuse(RoutingResponse res) {
        Problem.send(res, 503, "the service is shutting down; retry shortly",
                Map.of("Retry-After", "1", "Connection", "close"));
    }

    /** SSE streams and long-polls: they wait on purpose, so a stop does not wait for them. */
    static boolean isStream(String path) {
        return path.startsWith("/api/") && (path.endsWith("/events") || path.endsWith("/events/poll"));
    }
}
