package farmdesk.reliability;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM is a graceful stop: streams end (so clients reconnect elsewhere), posts in flight finish, new
 * posts are refused with 503 + Retry-After (never 500), the process exits within a bound, and every post
 * answered 2xx is stored once. Also: a post refused with 503 stored nothing (its retry creates it).
 */
class GracefulShutdownTest {

    private static final Tokens TOKENS = new Tokens(TestSettings.SECRET.getBytes(StandardCharsets.UTF_8));
    private static final int WRITERS = 8;

    /** What one post got: a status, or 0 when the connection failed. */
    private record Outcome(String clientId, String ticket, String token, String body, int status, String answer) {
    }

    @Test
    void sigtermEndsStreamsFinishesPostsAndExits(@TempDir Path dir) throws Exception {
        String admin = TOKENS.mint("A-term", Role.ADMIN, "Admin", Duration.ofHours(1));
        String farmer = TOKENS.mint("F-term", Role.FARMER, "Farmer", Duration.ofHours(1));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        try (ServerProcess server = ServerProcess.forSuite(dir, Map.of())) {
            server.start();
            Api api = new Api(server.port());
            String ticket = api.createTicket(farmer, "shutdown", "first");

            List<SseClient> streams = List.of(
                    SseClient.open(server.base(), "/api/admin/events?access_token="
                            + URLEncoder.encode(admin, StandardCharsets.UTF_8), null),
                    SseClient.open(server.base(), "/api/farmers/F-term/events", farmer),
                    SseClient.open(server.base(), "/api/tickets/" + ticket + "/events", farmer));
            streams.forEach(s -> assertEquals(200, s.status()));

            AtomicInteger answered = new AtomicInteger();
            List<Outcome> outcomes = new ArrayList<>();
            Map<Integer, List<Outcome>> byWriter = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    List<Outcome> mine = new ArrayList<>();
                    byWriter.put(w, mine);
                    writers.add(pool.submit(() -> {
                        // post until the server stops answering (or refuses with 503), bounded
                        for (int i = 0; i < 2000; i++) {
                            String clientId = "g-" + writer + "-" + i;
                            String token = i % 2 == 0 ? farmer : admin;
                            String body = "{\"text\":\"term " + clientId + "\",\"clientId\":\"" + clientId + "\"}";
                            Outcome o = post(http, server, ticket, token, clientId, body);
                            mine.add(o);
                            if (o.status() == 201 || o.status() == 200) {
                                answered.incrementAndGet();
                            } else {
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                while (answered.get() < 40) {
                    Thread.sleep(5);
                }
                server.terminate();
                long signalled = System.nanoTime();

                for (SseClient s : streams) {
                    assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "a stream did not end after SIGTERM");
                }
                int exit = server.waitFor(Duration.ofSeconds(30));
                assertNotEquals(-1, exit, "the process did not exit within 30 s of SIGTERM");
                assertTrue(exit == 0 || exit == 143, "exit code " + exit);
                long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
                for (Future<?> w : writers) {
                    w.get(60, TimeUnit.SECONDS);
                }
                byWriter.values().forEach(outcomes::addAll);

                // nothing but 2xx, 503 with Retry-After, or a closed connection
                for (Outcome o : outcomes) {
                    assertTrue(o.status() == 0 || o.status() == 200 || o.status() == 201 || o.status() == 503,
                            "during shutdown a post answered " + o.status() + " " + o.answer());
                    assertFalse(o.answer() != null && o.answer().contains("\tat "), "a stack trace in " + o.answer());
                }

                server.start();
                Map<String, Long> stored = storedByClientId(api, ticket, admin);
                int refused = 0;
                int cut = 0;
                for (Outcome o : outcomes) {
                    if (o.status() == 200 || o.status() == 201) {
                        long id = Api.parse(o.answer()).get("id").asLong();
                        assertEquals(Long.valueOf(id), stored.get(o.clientId()), "answered " + o.status()
                                + " but not stored as answered: " + o.clientId());
                    } else {
                        // retry: a 503 stored nothing (the retry creates it: 201); a cut connection may have committed (200)
                        HttpResponse<String> retry = send(http, server, "/api/tickets/" + ticket + "/messages", o.token(), o.body());
                        if (o.status() == 503) {
                            refused++;
                            assertTrue(o.answer().contains("shutting down"), "refused as new work, not as a failure: " + o.answer());
                            assertEquals(201, retry.statusCode(), "a post refused with 503 had been stored: " + o.clientId());
                        } else {
                            cut++;
                            assertTrue(retry.statusCode() == 200 || retry.statusCode() == 201, retry.body());
                        }
                    }
                }
                // and nothing is stored twice
                Map<String, Long> after = storedByClientId(api, ticket, admin);
                assertEquals(outcomes.size(), after.size(), "each clientId stored once");
                String log = server.log();
                assertFalse(log.contains(admin), "the ?access_token= reached the log");
                assertFalse(log.contains("unexpected failure"), "a 500 was logged:\n" + server.logTail());
                System.out.printf("SHUTDOWN posts=%d answered2xx=%d refused503=%d cut=%d exitCode=%d exitMillis=%d%n",
                        outcomes.size(), answered.get(), refused, cut, exit, exitMillis);
            } finally {
                pool.shutdownNow();
                streams.forEach(SseClient::close);
            }
        }
    }

    private static Outcome post(HttpClient http, ServerProcess server, String ticket, String token, String clientId,
                                String body) {
        try {
            HttpResponse<String> r = send(http, server, "/api/tickets/" + ticket + "/messages", token, body);
            if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
                throw new AssertionError("503 without Retry-After");
            }
            return new Outcome(clientId, ticket, token, body, r.statusCode(), r.body());
        } catch (IOException e) {
            return new Outcome(clientId, ticket, token, body, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static HttpResponse<String> send(HttpClient http, ServerProcess server, String path, String token, String body)
            throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(server.base().resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** clientId → message id of every stored message with a clientId, from the event log (admin view). */
    private static Map<String, Long> storedByClientId(Api api, String ticket, String admin) {
        Map<String, Long> stored = new java.util.HashMap<>();
        long after = 0;
        while (true) {
            JsonNode page = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + after, admin).json();
            if (page.get("events").isEmpty()) {
                return stored;
            }
            for (JsonNode e : page.get("events")) {
                JsonNode clientId = e.at("/data/message/clientId");
                if (e.get("type").asText().equals("new-message") && clientId.isTextual()) {
                    Long previous = stored.put(clientId.asText(), e.at("/data/message/id").asLong());
                    if (previous != null) {
                        throw new AssertionError("clientId " + clientId + " stored twice");
                    }
                }
            }
            after = page.get("next").asLong();
        }
    }
}
