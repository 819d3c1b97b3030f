package farmdesk.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ordering invariant under load: writer threads post concurrently while subscribers of every kind
 * disconnect and reconnect at random with Last-Event-ID (some switching between SSE and long-poll).
 * Each subscriber must end with exactly the events it may see, each once, in increasing id order.
 */
class OrderingUnderConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int POSTS_PER_WRITER = 100;

    /** One subscriber: which stream, as whom, and what it may see (computed independently of the server). */
    private record Sub(String name, String path, String token, boolean mixesPolling, Predicate<JsonNode> mayReceive) {
    }

    @Test
    void everySubscriberGetsEveryEventOnceInOrder(@TempDir Path dir) throws Exception {
        try (Farmdesk app = Farmdesk.start(TestSettings.file(dir))) {
            Api api = new Api(app.port());
            String admin = api.admin("A-load");
            String f1 = api.farmer("F-load-1");
            String f2 = api.farmer("F-load-2");
            List<String> tickets = List.of(
                    api.createTicket(f1, "t1", "a"), api.createTicket(f1, "t2", "b"),
                    api.createTicket(f2, "t3", "c"), api.createTicket(f2, "t4", "d"));
            Map<String, String> owner = Map.of(tickets.get(0), "F-load-1", tickets.get(1), "F-load-1",
                    tickets.get(2), "F-load-2", tickets.get(3), "F-load-2");
            Map<String, String> ownerToken = Map.of("F-load-1", f1, "F-load-2", f2);
            long start = api.get("/api/admin/events/poll", admin).json().get("next").asLong();

            Predicate<JsonNode> all = e -> true;
            Predicate<JsonNode> publicOnly = e -> !e.at("/data/message/internal").asBoolean(false);
            List<Sub> subs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                subs.add(new Sub("admin-" + i, "/api/admin/events", admin, i == 2, all));
            }
            for (String farmerId : List.of("F-load-1", "F-load-2")) {
                String token = ownerToken.get(farmerId);
                Predicate<JsonNode> own = e -> farmerId.equals(owner.get(ticketOf(e)));
                subs.add(new Sub(farmerId, "/api/farmers/" + farmerId + "/events", token, false, own.and(publicOnly)));
                subs.add(new Sub(farmerId + "-mixed", "/api/farmers/" + farmerId + "/events", token, true,
                        own.and(publicOnly)));
            }
            for (String t : List.of(tickets.get(0), tickets.get(3))) {
                subs.add(new Sub(t, "/api/tickets/" + t + "/events", ownerToken.get(owner.get(t)), false,
                        ((Predicate<JsonNode>) e -> t.equals(ticketOf(e))).and(publicOnly)));
            }

            Map<String, List<Long>> received = new ConcurrentHashMap<>();
            Map<String, Long> targets = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<?>> readers = new ArrayList<>();
            for (Sub s : subs) {
                List<Long> got = new ArrayList<>();
                received.put(s.name(), got);
                readers.add(pool.submit(() -> {
                    follow(api, s, start, got, targets);
                    return null;
                }));
            }

            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < POSTS_PER_WRITER; i++) {
                        String t = tickets.get(rnd.nextInt(tickets.size()));
                        int kind = rnd.nextInt(10);
                        String text = "w" + writer + "-" + i;
                        if (kind < 4) {
                            api.postMessage(ownerToken.get(owner.get(t)), t, text);
                        } else if (kind < 7) {
                            api.postMessage(admin, t, text);
                        } else if (kind < 9) {
                            expect201(api.post("/api/tickets/" + t + "/messages", admin,
                                    "{\"text\":\"" + text + "\",\"internal\":true}"));
                        } else {
                            api.patch("/api/tickets/" + t, admin, "{\"status\":\"pending\"}");
                            api.post("/api/tickets/" + t + "/typing", admin, null);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get(120, TimeUnit.SECONDS);
            }

            // the whole log after start, as the admin sees it: the reference every subscriber is held to
            List<JsonNode> log = new ArrayList<>();
            long after = start;
            while (true) {
                JsonNode page = api.get("/api/admin/events/poll?timeout=0&after=" + after, admin).json();
                if (page.get("events").isEmpty()) {
                    break;
                }
                page.get("events").forEach(log::add);
                after = page.get("next").asLong();
            }
            assertTrue(log.size() >= WRITERS * POSTS_PER_WRITER, "log has " + log.size());
            Map<String, List<Long>> expected = new ConcurrentHashMap<>();
            for (Sub s : subs) {
                List<Long> ids = log.stream().filter(s.mayReceive()).map(e -> e.get("id").asLong()).toList();
                expected.put(s.name(), ids);
                targets.put(s.name(), ids.isEmpty() ? start : ids.getLast());
            }
            for (Future<?> r : readers) {
                r.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            for (Sub s : subs) {
                assertEquals(expected.get(s.name()), received.get(s.name()),
                        s.name() + ": every visible event exactly once, in order");
            }
        }
    }

    /** Reads the stream in short, randomly cut connections until the target id (set at the end) is reached. */
    private static void follow(Api api, Sub s, long start, List<Long> got, Map<String, Long> targets) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long last = start;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(110);
        while (System.nanoTime() < deadline) {
            Long target = targets.get(s.name());
            if (target != null && last >= target) {
                return;
            }
            if (s.mixesPolling() && rnd.nextBoolean()) {
                JsonNode a = api.get(s.path() + "/poll?timeout=1&after=" + last, s.token()).json();
                for (JsonNode e : a.get("events")) {
                    last = record(got, last, e.get("id").asLong());
                }
                continue;
            }
            int take = 1 + rnd.nextInt(30);
            try (SseClient c = SseClient.open(api.base(), s.path(), s.token(), "Last-Event-ID", Long.toString(last))) {
                assertEquals(200, c.status());
                for (int i = 0; i < take; i++) {
                    SseClient.Event e = c.next(Duration.ofMillis(500));
                    if (e == null) {
                        break;
                    }
                    if (e.id() != null) {
                        last = record(got, last, e.numericId());
                    }
                }
            }
        }
        throw new AssertionError(s.name() + " did not reach its last event; got " + got.size());
    }

    private static long record(List<Long> got, long last, long id) {
        if (id <= last) {
            throw new AssertionError("event " + id + " after " + last + ": out of order or repeated");
        }
        got.add(id);
        return id;
    }

    private static String ticketOf(JsonNode event) {
        JsonNode data = event.get("data");
        return data.has("ticketId") ? data.get("ticketId").asText() : data.at("/ticket/id").asText();
    }

    private static void expect201(Api.Answer a) {
        if (a.status() != 201) {
            throw new AssertionError("post failed: " + a);
        }
    }
}
