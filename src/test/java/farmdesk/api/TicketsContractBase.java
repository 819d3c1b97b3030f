package farmdesk.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static farmdesk.api.ApiAsserts.assertJson;

/**
 * What the REST contract tests of tickets and messages share: one Farmdesk per test class on a fresh
 * database ({@link FarmdeskServer}), the test client for it, and the ticket calls they all make.
 * Per-class instances, so the client is the instance's own and test classes never share one.
 */
@FarmdeskServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TicketsContractBase {

    private static final AtomicInteger SEQ = new AtomicInteger();

    Api api;

    @BeforeAll
    void connect(Api api) {
        this.api = api;
    }

    /** A farmer id used by one test only, so lists and counts are not shared between tests. */
    static String uniqueFarmer() {
        return "F-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    JsonNode create(String farmerToken, String json) {
        return assertJson(api.post("/api/tickets", farmerToken, json), 201);
    }

    JsonNode getTicket(String id, String token) {
        return assertJson(api.get("/api/tickets/" + id, token), 200);
    }

    JsonNode patch(String id, String token, String json) {
        return assertJson(api.patch("/api/tickets/" + id, token, json), 200);
    }

    JsonNode list(String query, String token) {
        return assertJson(api.get("/api/tickets" + query, token), 200);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("tickets").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    /** Runs {@code call} on {@code n} threads released at once, so repeats race each other. */
    static <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
