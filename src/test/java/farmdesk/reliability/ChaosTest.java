package farmdesk.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.AgedH2File;
import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.SseClient;
import farmdesk.testing.SseParser;
import farmdesk.testing.TestPostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Nothing lost, nothing doubled, under faults. The server runs as its own OS process (on an H2 file in
 * the H2 run, on a fresh PostgreSQL database in the postgres run) and is killed with SIGKILL several
 * times mid-run and started again, while writers post concurrently (retrying with the same
 * {@code clientId} until they get an answer) and many followers (SSE, long-poll, and both in turn; some
 * stalling without reading) read with random disconnects and resume by id.
 *
 * <p>At the end, against the log read back from the database: every follower received exactly the
 * events it may see, each once, in order, with the stored content; every post that was answered 2xx is
 * stored exactly once; no answer was a 5xx; no {@code access_token} reached the server's log.
 *
 * <p>On H2 it runs from a fresh file, from a copy of a file that has lived, and from a file aged by the
 * test (mostly free space): H2 lost answered commits after kill -9 only on files with free space
 * between their chunks (issue 10, item 0; see storage/Database). The server is also killed right after
 * its first answer, when that loss showed.
 *
 * <p>Small in CI. The large version: {@code mvn -B test -Dtest=ChaosTest -Dfarmdesk.chaos=large}
 * (see docs/reliability.md).
 */
class ChaosTest {

    /** How hard to push. */
    record Scale(String name, int followers, int writers, int postsPerWriter, int kills, int maxStallMillis) {

        static Scale fromProperty() {
            return "large".equals(System.getProperty("farmdesk.chaos"))
                    ? new Scale("large", 60, 16, 250, 8, 3000)
                    : new Scale("small", 10, 4, 30, 2, 1500);
        }

        int posts() {
            return writers * postsPerWriter;
        }
    }

    private record Got(long id, String type, JsonNode data) {
    }

    /** One follower: which stream, as whom, how it reads, and what it may see (decided by the test, not the server). */
    private record Follower(String name, String path, String token, String viewer, boolean admin, Mode mode,
                            boolean slow, boolean queryToken) {
    }

    private enum Mode { SSE, POLL, MIXED }

    private static final Tokens TOKENS = new Tokens(TestSettings.SECRET.getBytes(StandardCharsets.UTF_8));

    private final Scale scale = Scale.fromProperty();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger fiveHundreds = new AtomicInteger();
    private final List<String> fiveHundredSamples = new CopyOnWriteArrayList<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();
    private volatile URI base;

    /** Tickets and their farmers, the ones created before the run and during it. */
    private final List<String> tickets = new CopyOnWriteArrayList<>();
    private final Map<String, String> ownerOf = new ConcurrentHashMap<>();
    /** clientId → the id the server answered (message id, or ticket id for a new ticket). */
    private final Map<String, String> answered = new ConcurrentHashMap<>();

    @Test
    void killedAndRestartedMidRunNoEventIsLostOrDoubledForAnyClient(@TempDir Path dir) throws Exception {
        run(ServerProcess.forSuite(dir, Map.of()), "fresh");
    }

    /** The same run on a copy of an H2 file on which kill -9 lost acknowledged posts (issue 10, item 0). */
    @Test
    void theSameFromAnAgedH2File(@TempDir Path dir) throws Exception {
        assumeFalse(TestPostgres.selected(), "H2 files only: it runs in the H2 execution of the suite (CI runs both)");
        run(new ServerProcess(AgedH2File.copy(AgedH2File.REPRO, dir), null, dir.resolve("server.log"), Map.of()), "aged");
    }

    /** The same run on an H2 file full of free space, aged by the test itself. */
    @Test
    void theSameFromAChurnedH2File(@TempDir Path dir) throws Exception {
        assumeFalse(TestPostgres.selected(), "H2 files only: it runs in the H2 execution of the suite (CI runs both)");
        run(new ServerProcess(AgedH2File.churned(dir), null, dir.resolve("server.log"), Map.of()), "churned");
    }

    private void run(ServerProcess started, String file) throws Exception {
        long began = System.nanoTime();
        String admin = TOKENS.mint("A-chaos", Role.ADMIN, "Chaos admin", Duration.ofHours(2));
        String[] farmerIds = {"F-chaos-1", "F-chaos-2", "F-chaos-3"};
        Map<String, String> farmerToken = new HashMap<>();
        for (String f : farmerIds) {
            farmerToken.put(f, TOKENS.mint(f, Role.FARMER, "Farmer " + f, Duration.ofHours(2)));
        }

        try (ServerProcess server = started) {
            server.start();
            base = server.base();
            for (String f : farmerIds) {
                for (int i = 0; i < 2; i++) {
                    String id = Api.parse(mustPost("/api/tickets", farmerToken.get(f),
                            "{\"subject\":\"chaos " + f + "\",\"text\":\"first\"}")).get("id").asText();
                    tickets.add(id);
                    ownerOf.put(id, f);
                    if (tickets.size() == 1) {
                        // killed right after its first answer: on an H2 file that has lived, that was
                        // a commit H2's recovery could not find (issue 10, item 0)
                        server.kill();
                        server.start();
                        HttpResponse<String> r = send("GET", "/api/tickets/" + id, admin, null);
                        assertEquals(200, r == null ? -1 : r.statusCode(), "ticket " + id + " (answered 201) after kill -9");
                    }
                }
            }

            List<Follower> followers = followers(admin, farmerIds, farmerToken);
            Map<String, List<Got>> received = new ConcurrentHashMap<>();
            Map<String, Long> targets = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> reading = new ArrayList<>();
                for (Follower f : followers) {
                    List<Got> got = Collections.synchronizedList(new ArrayList<>());
                    received.put(f.name(), got);
                    reading.add(pool.submit(() -> {
                        follow(f, got, targets);
                        return null;
                    }));
                }
                List<Future<?>> writing = new ArrayList<>();
                for (int w = 0; w < scale.writers(); w++) {
                    int writer = w;
                    writing.add(pool.submit(() -> {
                        write(writer, admin, farmerToken);
                        return null;
                    }));
                }
                Future<Integer> killing = pool.submit(() -> kill(server));

                for (Future<?> w : writing) {
                    w.get(10, TimeUnit.MINUTES);
                }
                int kills = killing.get(10, TimeUnit.MINUTES);
                assertEquals(scale.kills(), kills, "the server was killed as planned");

                List<Got> log = readWholeLog(admin);
                Map<String, String> farmerOfTicket = new HashMap<>();
                for (Got e : log) {
                    if (e.type().equals("ticket-created")) {
                        farmerOfTicket.put(e.data().at("/ticket/id").asText(), e.data().at("/ticket/farmerId").asText());
                    }
                }
                Map<String, List<Got>> expected = new HashMap<>();
                for (Follower f : followers) {
                    List<Got> mine = log.stream().filter(e -> visible(f, e, farmerOfTicket)).toList();
                    expected.put(f.name(), mine);
                    targets.put(f.name(), mine.isEmpty() ? 0 : mine.getLast().id());
                }
                for (Future<?> r : reading) {
                    r.get(5, TimeUnit.MINUTES);
                }

                // 1. every follower: exactly the events it may see, once each, in order, as stored
                int delivered = 0;
                for (Follower f : followers) {
                    List<Got> want = expected.get(f.name());
                    List<Got> got = List.copyOf(received.get(f.name()));
                    delivered += got.size();
                    if (!want.equals(got)) {
                        throw new AssertionError(f.name() + ": expected " + want.size() + " events, got " + got.size()
                                + "\nmissing: " + minus(want, got) + "\nextra or altered: " + minus(got, want));
                    }
                }
                // 2. every answered post is stored exactly once, with the id it was answered with
                Map<String, List<String>> storedByClientId = new HashMap<>();
                for (Got e : log) {
                    if (e.type().equals("new-message") && e.data().at("/message/clientId").isTextual()) {
                        storedByClientId.computeIfAbsent(e.data().at("/message/clientId").asText(), k -> new ArrayList<>())
                                .add(e.data().at("/message/id").asText());
                    }
                }
                Map<String, Integer> ticketsCreated = new HashMap<>();
                for (Got e : log) {
                    if (e.type().equals("ticket-created")) {
                        ticketsCreated.merge(e.data().at("/ticket/id").asText(), 1, Integer::sum);
                    }
                }
                int lost = 0;
                int doubled = 0;
                for (var a : answered.entrySet()) {
                    if (a.getKey().startsWith("t-")) {
                        int n = ticketsCreated.getOrDefault(a.getValue(), 0);
                        lost += n == 0 ? 1 : 0;
                        doubled += n > 1 ? 1 : 0;
                    } else {
                        List<String> ids = storedByClientId.getOrDefault(a.getKey(), List.of());
                        lost += ids.contains(a.getValue()) ? 0 : 1;
                        doubled += ids.size() > 1 ? 1 : 0;
                    }
                }
                for (var s : storedByClientId.entrySet()) {
                    doubled += s.getValue().size() > 1 && !answered.containsKey(s.getKey()) ? 1 : 0;
                }
                assertEquals(scale.posts(), answered.size(), "every post was answered in the end");
                assertEquals(0, lost, "answered posts missing from the log");
                assertEquals(0, doubled, "posts stored more than once");
                // 3. no 5xx, ever
                assertEquals(0, fiveHundreds.get(), "5xx answers: " + fiveHundredSamples);
                // 4. tokens given in ?access_token= never reached the log
                String serverLog = server.log();
                for (String t : List.of(admin, farmerToken.get(farmerIds[0]), farmerToken.get(farmerIds[1]),
                        farmerToken.get(farmerIds[2]))) {
                    assertFalse(serverLog.contains(t), "a token reached the server log");
                    assertFalse(serverLog.contains(t.substring(t.lastIndexOf('.') + 1)), "a token signature reached the log");
                }
                assertTrue(serverLog.contains("access_token=[redacted]"), "the access log shows redacted stream URLs");

                System.out.printf("CHAOS %s db=%s file=%s followers=%d writers=%d posts=%d events=%d delivered=%d kills=%d"
                                + " reconnects=%d stalls=%d lost=0 doubled=0 5xx=0 seconds=%d%n",
                        scale.name(), TestPostgres.selected() ? "postgres" : "h2-file", file, followers.size(), scale.writers(),
                        scale.posts(), log.size(), delivered, kills, reconnects.get(), stalls.get(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private List<Follower> followers(String admin, String[] farmerIds, Map<String, String> farmerToken) {
        List<Follower> list = new ArrayList<>();
        Mode[] modes = Mode.values();
        for (int i = 0; i < scale.followers(); i++) {
            Mode mode = modes[i % modes.length];
            boolean slow = i % 4 == 3;
            boolean queryToken = i % 2 == 1;
            String t = tickets.get(i % tickets.size());
            String f = farmerIds[i % farmerIds.length];
            list.add(switch (i % 5) {
                case 0, 1 -> new Follower("admin-" + i, "/api/admin/events", admin, "A-chaos", true, mode, slow, queryToken);
                case 2 -> new Follower("farmer-" + f + "-" + i, "/api/farmers/" + f + "/events", farmerToken.get(f), f,
                        false, mode, slow, queryToken);
                case 3 -> new Follower("ticket-" + t + "-" + i, "/api/tickets/" + t + "/events",
                        farmerToken.get(ownerOf.get(t)), ownerOf.get(t), false, mode, slow, queryToken);
                default -> new Follower("admin-ticket-" + t + "-" + i, "/api/tickets/" + t + "/events", admin, "A-chaos",
                        true, mode, slow, queryToken);
            });
        }
        return list;
    }

    /** The visibility rule, computed by the test: admins see their topic; farmers see public events of their own tickets. */
    private static boolean visible(Follower f, Got e, Map<String, String> farmerOfTicket) {
        String ticket = e.data().has("ticketId") ? e.data().get("ticketId").asText() : e.data().at("/ticket/id").asText();
        String farmer = farmerOfTicket.get(ticket);
        boolean internal = e.data().at("/message/internal").asBoolean(false);
        boolean onTopic = f.path().equals("/api/admin/events")
                || f.path().equals("/api/tickets/" + ticket + "/events")
                || f.path().equals("/api/farmers/" + farmer + "/events");
        return onTopic && (f.admin() || !internal && f.viewer().equals(farmer));
    }

    // ------------------------------------------------------------------ writers

    private void write(int writer, String admin, Map<String, String> farmerToken) throws InterruptedException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < scale.postsPerWriter(); i++) {
            String t = tickets.get(rnd.nextInt(tickets.size()));
            String owner = ownerOf.get(t);
            int kind = rnd.nextInt(20);
            String text = "chaos w" + writer + " #" + i;
            if (kind == 0) {
                String clientId = "t-" + writer + "-" + i;
                String body = postUntilAnswered("/api/tickets", farmerToken.get(owner),
                        "{\"subject\":\"new " + clientId + "\",\"text\":" + Api.quote(text) + ",\"clientId\":\"" + clientId + "\"}");
                String id = Api.parse(body).get("id").asText();
                answered.put(clientId, id);
                ownerOf.put(id, owner);
                tickets.add(id);
            } else {
                String clientId = "m-" + writer + "-" + i;
                String token = kind < 10 ? farmerToken.get(owner) : admin;
                boolean internal = kind >= 17;
                String body = postUntilAnswered("/api/tickets/" + t + "/messages", token, "{\"text\":" + Api.quote(text)
                        + ",\"clientId\":\"" + clientId + "\"" + (internal ? ",\"internal\":true" : "") + "}");
                answered.put(clientId, Api.parse(body).get("id").asText());
            }
            acked.incrementAndGet();
            if (kind == 1) {
                // typing is live only: it must never disturb the stored sequence
                send("POST", "/api/tickets/" + t + "/typing", admin, null);
            }
            if (kind == 2) {
                String priority = List.of("low", "normal", "high").get(rnd.nextInt(3));
                postUntilAnsweredPatch("/api/tickets/" + t, admin, "{\"priority\":\"" + priority + "\"}");
            }
        }
    }

    /** Retries (same body, same clientId) through refused connections and 503s until the server answers. */
    private String postUntilAnswered(String path, String token, String json) throws InterruptedException {
        return untilAnswered("POST", path, token, json);
    }

    private void postUntilAnsweredPatch(String path, String token, String json) throws InterruptedException {
        untilAnswered("PATCH", path, token, json);
    }

    private String untilAnswered(String method, String path, String token, String json) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(method, path, token, json);
            if (r == null || r.statusCode() == 503) {
                Thread.sleep(50 + ThreadLocalRandom.current().nextInt(200));
                continue;
            }
            if (r.statusCode() == 200 || r.statusCode() == 201) {
                return r.body();
            }
            throw new AssertionError(method + " " + path + " " + json + " answered " + r.statusCode() + " " + r.body());
        }
        throw new AssertionError(method + " " + path + " never answered");
    }

    private String mustPost(String path, String token, String json) throws InterruptedException {
        return untilAnswered("POST", path, token, json);
    }

    /** One request; null when the connection failed (server down or killed mid-request). */
    private HttpResponse<String> send(String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            count5xx(method + " " + path, r.statusCode(), r.body());
            return r;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void count5xx(String what, int status, String body) {
        if (status >= 500) {
            fiveHundreds.incrementAndGet();
            if (fiveHundredSamples.size() < 10) {
                fiveHundredSamples.add(what + " " + status + " " + body);
            }
        }
    }

    // ------------------------------------------------------------------ the killer

    /** Kills the server when the answered posts pass evenly spaced marks, then starts it again. */
    private int kill(ServerProcess server) throws InterruptedException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int kills = 0;
        for (int k = 1; k <= scale.kills(); k++) {
            long mark = (long) scale.posts() * k / (scale.kills() + 1);
            while (acked.get() < mark) {
                Thread.sleep(5);
            }
            Thread.sleep(rnd.nextInt(40)); // not always right after an answer
            server.kill();
            kills++;
            Thread.sleep(rnd.nextInt(300)); // down for a moment: clients see refused connections
            server.start();
        }
        return kills;
    }

    // ------------------------------------------------------------------ followers

    private void follow(Follower f, List<Got> got, Map<String, Long> targets) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(12);
        long[] last = {0};
        while (System.nanoTime() < deadline) {
            Long target = targets.get(f.name());
            if (target != null && last[0] >= target) {
                return;
            }
            boolean poll = f.mode() == Mode.POLL || f.mode() == Mode.MIXED && rnd.nextBoolean();
            try {
                if (poll) {
                    pollOnce(f, got, last);
                } else {
                    streamOnce(f, got, last);
                }
            } catch (IOException serverAway) {
                Thread.sleep(50 + rnd.nextInt(200));
            }
            reconnects.incrementAndGet();
        }
        throw new AssertionError(f.name() + " did not reach its last event (" + targets.get(f.name()) + "); at " + last[0]);
    }

    private void pollOnce(Follower f, List<Got> got, long[] last) throws IOException, InterruptedException {
        String url = f.path() + "/poll?after=" + last[0] + "&timeout=" + ThreadLocalRandom.current().nextInt(3);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(url(f, url))).timeout(Duration.ofSeconds(40));
        authorize(f, b);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        count5xx("poll " + f.name(), r.statusCode(), r.body());
        if (r.statusCode() != 200) {
            throw new AssertionError(f.name() + " poll answered " + r.statusCode() + " " + r.body());
        }
        JsonNode answer = Api.parse(r.body());
        for (JsonNode e : answer.get("events")) {
            if (e.get("id").isNull()) {
                throw new AssertionError(f.name() + " got " + e + " after " + last[0]);
            }
            record(f, got, last, new Got(e.get("id").asLong(), e.get("type").asText(), e.get("data")));
        }
        if (f.slow() && ThreadLocalRandom.current().nextInt(4) == 0) {
            stall(f);
        }
    }

    private void streamOnce(Follower f, List<Got> got, long[] last) throws IOException, InterruptedException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String url = f.path();
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(url(f, url))).header("Accept", "text/event-stream");
        authorize(f, b);
        if (rnd.nextBoolean()) {
            b.header("Last-Event-ID", Long.toString(last[0]));
        } else {
            b.uri(base.resolve(url(f, url) + (url(f, url).contains("?") ? "&" : "?") + "lastEventId=" + last[0]));
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body();
             BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                count5xx("stream " + f.name(), r.statusCode(), text);
                throw new AssertionError(f.name() + " stream answered " + r.statusCode() + " " + text);
            }
            int take = 1 + rnd.nextInt(60);
            int stallAt = rnd.nextInt(take);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + rnd.nextInt(3000));
            SseParser parser = new SseParser();
            String line;
            while ((line = in.readLine()) != null) {
                SseClient.Event e = parser.line(line);
                if (!line.isEmpty()) {
                    continue;
                }
                if (e != null) {
                    if (e.id() == null && !"typing".equals(e.type())) {
                        throw new AssertionError(f.name() + " got event " + e.type() + " " + e.data() + " after " + last[0]);
                    }
                    if (e.id() != null) {
                        record(f, got, last, new Got(e.numericId(), e.type(), e.json()));
                        take--;
                        if (f.slow() && take == stallAt) {
                            stall(f); // stops reading mid-stream: the server's writes back up
                        }
                    }
                }
                if (take <= 0 || System.nanoTime() > until) {
                    return; // a random disconnect
                }
            }
        }
    }

    private void stall(Follower f) throws InterruptedException {
        stalls.incrementAndGet();
        Thread.sleep(ThreadLocalRandom.current().nextInt(scale.maxStallMillis()));
    }

    private static String url(Follower f, String url) {
        if (!f.queryToken()) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "access_token=" + URLEncoder.encode(f.token(), StandardCharsets.UTF_8);
    }

    private static void authorize(Follower f, HttpRequest.Builder b) {
        if (!f.queryToken()) {
            b.header("Authorization", "Bearer " + f.token());
        }
    }

    private static void record(Follower f, List<Got> got, long[] last, Got e) {
        if (e.id() <= last[0]) {
            throw new AssertionError(f.name() + ": event " + e.id() + " after " + last[0] + ": out of order or repeated");
        }
        got.add(e);
        last[0] = e.id();
    }

    private List<Got> readWholeLog(String admin) {
        List<Got> log = new ArrayList<>();
        long after = 0;
        while (true) {
            HttpResponse<String> r = send("GET", "/api/admin/events/poll?timeout=0&after=" + after, admin, null);
            if (r == null || r.statusCode() != 200) {
                throw new AssertionError("cannot read the log: " + (r == null ? "no connection" : r.statusCode() + " " + r.body()));
            }
            JsonNode page = Api.parse(r.body());
            if (page.get("events").isEmpty()) {
                return log;
            }
            for (JsonNode e : page.get("events")) {
                log.add(new Got(e.get("id").asLong(), e.get("type").asText(), e.get("data")));
            }
            after = page.get("next").asLong();
        }
    }

    private static List<String> minus(List<Got> a, List<Got> b) {
        List<String> out = new ArrayList<>();
        for (Got e : a) {
            if (!b.contains(e)) {
                out.add(e.id() + " " + e.type() + " " + e.data());
                if (out.size() >= 8) {
                    out.add("...");
                    break;
                }
            }
        }
        return out;
    }
}
