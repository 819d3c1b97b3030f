package farmdesk.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes are group-committed: those queued together share one transaction. A write whose statement the
 * database rejects must fail alone: 12 farmers post while 3 admins keep sending a PATCH that the
 * database refuses (a CHECK constraint added here, so it is a real database error, the same on H2 and
 * PostgreSQL); every post answers 201 and is stored exactly once, every refused PATCH changes nothing.
 */
@FarmdeskServer
class FailingWriteIsolationTest {

    private static final int POSTERS = 12;
    private static final int POSTS_EACH = 15;
    private static final int FAILING_WRITERS = 3;
    private static final String REFUSED_CATEGORY = "refused-by-the-database";

    @Test
    void aWriteTheDatabaseRefusesFailsAloneAndEveryPostBesideItIsStoredOnce(Servers servers) throws Exception {
        Settings settings = TestSettings.inMemory();
        Farmdesk app = servers.start(settings);
        refuseCategory(settings);
        Api api = new Api(app.port());
        String admin = api.admin("A-iso");
        List<String> posterTokens = new ArrayList<>();
        List<String> posterTickets = new ArrayList<>();
        for (int i = 0; i < POSTERS; i++) {
            String farmer = api.farmer("F-iso-" + i);
            posterTokens.add(farmer);
            posterTickets.add(api.createTicket(farmer, "posts " + i, "first"));
        }
        String victimOwner = api.farmer("F-iso-victim");
        List<String> victims = new ArrayList<>();
        for (int i = 0; i < FAILING_WRITERS; i++) {
            victims.add(api.createTicket(victimOwner, "refused " + i, "first"));
        }

        ConcurrentLinkedQueue<String> wrongPosts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrongPatches = new ConcurrentLinkedQueue<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        int failedPatches = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> patchers = new ArrayList<>();
            for (String victim : victims) {
                patchers.add(pool.submit(() -> {
                    int n = 0;
                    do {
                        Api.Answer a = api.patch("/api/tickets/" + victim, admin,
                                "{\"category\":\"" + REFUSED_CATEGORY + "\"}");
                        if (a.status() < 500) {
                            wrongPatches.add(a.toString());
                        }
                        n++;
                    } while (posting.get());
                    return n;
                }));
            }
            List<Future<?>> posters = new ArrayList<>();
            for (int i = 0; i < POSTERS; i++) {
                String token = posterTokens.get(i);
                String ticket = posterTickets.get(i);
                posters.add(pool.submit(() -> {
                    for (int m = 0; m < POSTS_EACH; m++) {
                        Api.Answer a = api.post("/api/tickets/" + ticket + "/messages", token,
                                "{\"text\":\"post " + m + "\",\"clientId\":\"c-" + m + "\"}");
                        if (a.status() != 201) {
                            wrongPosts.add(ticket + " post " + m + ": " + a);
                        }
                    }
                }));
            }
            for (Future<?> f : posters) {
                f.get();
            }
            posting.set(false);
            for (Future<Integer> f : patchers) {
                failedPatches += f.get();
            }
        }
        assertEquals(List.of(), List.copyOf(wrongPosts), "posts batched with a refused write");
        assertEquals(List.of(), List.copyOf(wrongPatches), "the database refuses these PATCHes");
        assertTrue(failedPatches >= FAILING_WRITERS);

        for (String ticket : posterTickets) {
            List<String> texts = new ArrayList<>();
            for (JsonNode m : api.get("/api/tickets/" + ticket, admin).json().get("messages")) {
                texts.add(m.get("text").asText());
            }
            List<String> expected = new ArrayList<>(List.of("first"));
            for (int m = 0; m < POSTS_EACH; m++) {
                expected.add("post " + m);
            }
            assertEquals(expected, texts, ticket + ": every post stored once, in order");
        }
        for (String victim : victims) {
            assertEquals("general", api.get("/api/tickets/" + victim, admin).json().get("category").asText());
        }
        Map<String, Integer> newMessageEvents = new HashMap<>();
        long after = 0;
        while (true) {
            JsonNode page = api.get("/api/admin/events/poll?timeout=0&after=" + after, admin).json();
            if (page.get("events").isEmpty()) {
                break;
            }
            for (JsonNode e : page.get("events")) {
                assertTrue(!e.get("type").asText().equals("ticket-updated"), "a refused PATCH published " + e);
                if (e.get("type").asText().equals("new-message")) {
                    newMessageEvents.merge(e.at("/data/ticketId").asText() + " " + e.at("/data/message/text").asText(),
                            1, Integer::sum);
                }
            }
            after = page.get("next").asLong();
        }
        for (String ticket : posterTickets) {
            for (int m = 0; m < POSTS_EACH; m++) {
                assertEquals(1, newMessageEvents.getOrDefault(ticket + " post " + m, 0), ticket + " post " + m);
            }
        }
    }

    /** A constraint the service knows nothing of: the database itself rejects the UPDATE. */
    private static void refuseCategory(Settings settings) throws SQLException {
        String url = settings.isH2() ? settings.dbUrl() + ";DATABASE_TO_LOWER=TRUE" : settings.dbUrl();
        Properties login = new Properties();
        login.setProperty("user", settings.effectiveDbUser());
        if (settings.effectiveDbPassword() != null) {
            login.setProperty("password", settings.effectiveDbPassword());
        }
        try (Connection c = DriverManager.getConnection(url, login); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE tickets ADD CONSTRAINT test_refused_category CHECK (category <> '"
                    + REFUSED_CATEGORY + "')");
        }
    }
}
