package farmdesk.testing;

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

/**
 * The ordering invariant under load, on one instance or several sharing a database: writer threads
 * post concurrently (on random instances) while subscribers of every kind disconnect and reconnect at
 * random with Last-Event-ID (to random instances; some switching between SSE and long-poll). Each
 * subscriber must end with exactly the events it may see, each once, in increasing id order.
 */
public final class ConcurrentWorkload {

    /** One subscriber: which stream, as whom, and what it may see (computed independently of the server). */
    private record Sub(String name, String path, String token, boolean mixesPolling, Predicate<JsonNode> mayReceive) {
    }

    private final List<Api> instances;
    private final int writers;
    private final int postsPerWriter;

    public ConcurrentWorkload(List<Api> instances, int writers, int postsPerWriter) {
        this.instances = instances;
        this.writers = writers;
        this.postsPerWriter = postsPerWriter;
    }

    /** Runs the workload; throws AssertionError naming the first subscriber whose events differ. */
    public void run() throws Exception {
        Api first = instances.getFirst();
        String admin = first.admin("A-load");
        String f1 = first.farmer("F-load-1");
        String f2 = first.farmer("F-load-2");
        List<String> tickets = List.of(
                first.createTicket(f1, "t1", "a"), first.createTicket(f1, "t2", "b"),
                first.createTicket(f2, "t3", "c"), first.createTicket(f2, "t4", "d"));
        Map<String, String> owner = Map.of(tickets.get(0), "F-load-1", tickets.get(1), "F-load-1",
                tickets.get(2), "F-load-2", tickets.get(3), "F-load-2");
        Map<String, String> ownerToken = Map.of("F-load-1", f1, "F-load-2", f2);
        long start = first.get("/api/admin/events/poll", admin).json().get("next").asLong();

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
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (Sub s : subs) {
                List<Long> got = new ArrayList<>();
                received.put(s.name(), got);
                readers.add(pool.submit(() -> {
                    follow(s, start, got, targets);
                    return null;
                }));
            }
            List<Future<?>> posting = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                posting.add(pool.submit(() -> {
                    write(writer, tickets, owner, ownerToken, admin);
                    return null;
                }));
            }
            for (Future<?> w : posting) {
                w.get(120, TimeUnit.SECONDS);
            }

            // the whole log after start, as an admin sees it: the reference every subscriber is held to
            List<JsonNode> log = new ArrayList<>();
            long after = start;
            while (true) {
                JsonNode page = first.get("/api/admin/events/poll?timeout=0&after=" + after, admin).json();
                if (page.get("events").isEmpty()) {
                    break;
                }
                page.get("events").forEach(log::add);
                after = page.get("next").asLong();
            }
            if (log.size() < writers * postsPerWriter) {
                throw new AssertionError("the log has only " + log.size() + " events");
            }
            Map<String, List<Long>> expected = new ConcurrentHashMap<>();
            for (Sub s : subs) {
                List<Long> ids = log.stream().filter(s.mayReceive()).map(e -> e.get("id").asLong()).toList();
                expected.put(s.name(), ids);
                targets.put(s.name(), ids.isEmpty() ? start : ids.getLast());
            }
            for (Future<?> r : readers) {
                r.get(120, TimeUnit.SECONDS);
            }
            for (Sub s : subs) {
                if (!expected.get(s.name()).equals(received.get(s.name()))) {
                    throw new AssertionError(s.name() + ": expected every visible event exactly once, in order:\n"
                            + "expected " + expected.get(s.name()) + "\n     got " + received.get(s.name()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Api any() {
        return instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
    }

    private void write(int writer, List<String> tickets, Map<String, String> owner, Map<String, String> ownerToken,
                       String admin) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < postsPerWriter; i++) {
            Api api = any();
            String t = tickets.get(rnd.nextInt(tickets.size()));
            int kind = rnd.nextInt(10);
            String text = "w" + writer + "-" + i;
            if (kind < 4) {
                api.postMessage(ownerToken.get(owner.get(t)), t, text);
            } else if (kind < 7) {
                api.postMessage(admin, t, text);
            } else if (kind < 9) {
                Api.Answer a = api.post("/api/tickets/" + t + "/messages", admin,
                        "{\"text\":\"" + text + "\",\"internal\":true}");
                if (a.status() != 201) {
                    throw new AssertionError("internal note failed: " + a);
                }
            } else {
                api.patch("/api/tickets/" + t, admin, "{\"status\":\"pending\"}");
                api.post("/api/tickets/" + t + "/typing", admin, null);
            }
        }
    }

    /** Reads in short, randomly cut connections until the target id (known at the end) is reached. */
    private void follow(Sub s, long start, List<Long> got, Map<String, Long> targets) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long last = start;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(110);
        while (System.nanoTime() < deadline) {
            Long target = targets.get(s.name());
            if (target != null && last >= target) {
                return;
            }
            Api api = any();
            if (s.mixesPolling() && rnd.nextBoolean()) {
                JsonNode a = api.get(s.path() + "/poll?timeout=1&after=" + last, s.token()).json();
                for (JsonNode e : a.get("events")) {
                    last = record(got, last, e.get("id").asLong());
                }
                continue;
            }
            int take = 1 + rnd.nextInt(30);
            try (SseClient c = SseClient.open(api.base(), s.path(), s.token(), "Last-Event-ID", Long.toString(last))) {
                if (c.status() != 200) {
                    throw new AssertionError(s.name() + " stream answered " + c.status());
                }
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
}
