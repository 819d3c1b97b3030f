package farmdesk.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestPostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * V4's back-fill of {@code tickets.waiting_since} on a database that lived at V3 (an H2 file, or a
 * PostgreSQL database in the suite's postgres run): the schema is migrated only up to V3 (Flyway's
 * target, from the app's own migrations), tickets of every shape are stored as the V3-era service
 * stored them, then the real service starts on it (migrating to V4 and beyond). Each ticket's
 * {@code waitingSince} must be what the live code sets: the expectation of each shape is checked
 * first on a twin ticket written through the API of the same server, message for message. Then new
 * messages on the upgraded tickets must carry the value on as they would on a ticket born after V4.
 */
@FarmdeskServer
class WaitingSinceBackfillTest {

    /** Farmer F, admin answer A, admin internal note N: one message a minute, in this order. */
    private record Shape(String name, String script, String status, int waitsFromMessage) {
        boolean waits() {
            return waitsFromMessage >= 0;
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("farmer writes again after an answer", "FAF", "open", 2),
            new Shape("answered by an admin", "FA", "pending", -1),
            new Shape("only the farmer's first message", "F", "open", 0),
            new Shape("an internal note after the farmer's message", "FAFN", "open", 2),
            new Shape("an internal note before any answer", "FN", "open", 0),
            new Shape("an internal note between the answer and the farmer", "FANF", "open", 3),
            new Shape("several farmer messages in a row after an answer", "FAFFF", "open", 2),
            new Shape("two answers, then the farmer twice", "FFAAFF", "open", 4),
            new Shape("the farmer between two answers and after them", "FAFAFF", "open", 4),
            new Shape("closed while the farmer waits", "FAF", "closed", 2),
            new Shape("closed after the answer", "FA", "closed", -1),
            new Shape("resolved after the answer", "FAN", "resolved", -1));

    private static final String AGED_FARMER = "F-aged";
    private static final String LIVE_FARMER = "F-live";
    private static final String OLD_FARMER = "F-old";
    private static final String ADMIN = "A-aged";
    private static final Instant EPOCH = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void v4BackFillsWhatTheLiveCodeWouldHaveSet(Servers servers) throws Exception {
        String url = databaseUrl();
        String user = user();
        String jdbcUrl = Database.withH2Options(url); // the URL the app itself opens

        // the database as a V3 release left it
        var migrated = Flyway.configure().dataSource(jdbcUrl, user, "").locations("classpath:db/migration")
                .target("3").load().migrate();
        assertEquals("3", migrated.targetSchemaVersion);
        List<AgedTicket> aged = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            for (int i = 0; i < SHAPES.size(); i++) {
                // later tickets began earlier: the wait order is not the order of the numbers
                aged.add(storeAsV3(c, AGED_FARMER, SHAPES.get(i), EPOCH.minus(Duration.ofHours(i))));
            }
        }

        Farmdesk app = servers.start(settings(url));
        Api api = new Api(app.port());
        String admin = api.signedInAdmin(ADMIN, "Admin aged");

        // the expectation of each shape is the live code's: a twin written through the API
        for (Shape shape : SHAPES) {
            assertEquals(shape.waitsFromMessage(), liveTwinWaitsFrom(api, admin, shape),
                    "the live code on a ticket born after V4: " + shape.name());
        }

        for (AgedTicket t : aged) {
            assertEquals(t.expectedWait(), waitingSince(api, admin, t.id()), t.shape().name());
        }
        List<String> expectedQueue = aged.stream().filter(t -> t.shape().waits())
                .sorted(Comparator.comparing(AgedTicket::expectedWait).thenComparing(AgedTicket::num))
                .map(AgedTicket::id).toList();
        assertEquals(expectedQueue, waitingQueue(api, admin, AGED_FARMER), "GET /api/tickets?sort=waiting, oldest wait first");

        // new messages on the upgraded tickets: a farmer's keeps a running wait or starts one, an answer
        // ends it, as on any ticket
        String farmer = api.farmer(AGED_FARMER);
        for (AgedTicket t : aged) {
            if (t.shape().status().equals("closed")) {
                continue;
            }
            JsonNode posted = api.postMessage(farmer, t.id(), "still there?");
            Instant expected = t.shape().waits() ? t.expectedWait() : Instant.parse(posted.get("createdAt").asText());
            assertEquals(expected, waitingSince(api, admin, t.id()), "after the farmer's new message: " + t.shape().name());
        }
        List<String> everyone = aged.stream().filter(t -> t.shape().waits() || !t.shape().status().equals("closed"))
                .map(AgedTicket::id).toList();
        assertEquals(everyone, waitingQueue(api, admin, AGED_FARMER).stream().sorted(Comparator.comparing(AgedTicket::numOf)).toList(),
                "every ticket but the answered closed one waits");
        for (AgedTicket t : aged) {
            if (!t.shape().status().equals("closed")) {
                api.postMessage(admin, t.id(), "on its way");
                assertNull(waitingSince(api, admin, t.id()), "answered: " + t.shape().name());
            }
        }
        assertEquals(aged.stream().filter(t -> t.shape().status().equals("closed") && t.shape().waits())
                .map(AgedTicket::id).toList(), waitingQueue(api, admin, AGED_FARMER), "only the closed waiting ticket is left");
    }

    /**
     * A rolling upgrade from a release before V4: V4 is applied while instances of the version before
     * still serve, and they write without keeping {@code waiting_since}. A ticket one of them creates is
     * missing from the queue, one it answers stays in it (a farmer's next message through a new instance
     * keeps the stale wait), one where it posts the farmer's message is missing. The operators' refill,
     * docs/deploy/refill-waiting-since.sql (V4's back-fill again), puts each one right.
     */
    @Test
    void theOperatorsRefillRepairsWhatInstancesOfTheVersionBeforeWroteAfterV4(Servers servers) throws Exception {
        String url = databaseUrl();
        Farmdesk app = servers.start(settings(url)); // migrates to V4 and beyond
        Api api = new Api(app.port());
        String admin = api.signedInAdmin(ADMIN, "Admin aged");
        String farmer = api.farmer(OLD_FARMER);

        String waitedLong = api.createTicket(farmer, "answered by an old instance", "hello");
        String answered = api.createTicket(farmer, "the farmer wrote through an old instance", "hello");
        api.postMessage(admin, answered, "on its way");
        AgedTicket created;
        Instant farmerViaOld;
        try (Connection c = DriverManager.getConnection(Database.withH2Options(url), user(), "")) {
            created = storeAsV3(c, OLD_FARMER, new Shape("created by an old instance", "F", "open", 0), EPOCH);
            long num = AgedTicket.numOf(waitedLong);
            Instant later = Instant.now();
            setLastPublic(c, num, insertMessage(c, num, OLD_FARMER, 'A', later), later);
            num = AgedTicket.numOf(answered);
            farmerViaOld = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            setLastPublic(c, num, insertMessage(c, num, OLD_FARMER, 'F', farmerViaOld), farmerViaOld);
        }
        JsonNode afterAnswer = api.postMessage(farmer, waitedLong, "it did not come");
        Instant waitsSinceThen = Instant.parse(afterAnswer.get("createdAt").asText());

        // what the old instances left: out of place, and not repaired by the next message
        assertEquals(List.of(waitedLong), waitingQueue(api, admin, OLD_FARMER), "stale before the refill");
        assertNull(waitingSince(api, admin, created.id()));
        assertNull(waitingSince(api, admin, answered));

        try (Connection c = DriverManager.getConnection(Database.withH2Options(url), user(), "");
             Statement st = c.createStatement()) {
            st.executeUpdate(withoutComments(Files.readString(Path.of("docs/deploy/refill-waiting-since.sql"))));
        }

        assertEquals(EPOCH, waitingSince(api, admin, created.id()), "the old instance's new ticket waits from its message");
        assertEquals(waitsSinceThen, waitingSince(api, admin, waitedLong), "answered by the old instance, asked again since");
        assertEquals(farmerViaOld, waitingSince(api, admin, answered), "the farmer's message through the old instance");
        List<AgedTicket> repaired = List.of(created, new AgedTicket(AgedTicket.numOf(waitedLong), created.shape(), waitsSinceThen),
                new AgedTicket(AgedTicket.numOf(answered), created.shape(), farmerViaOld));
        assertEquals(repaired.stream().sorted(Comparator.comparing(AgedTicket::expectedWait).thenComparing(AgedTicket::num))
                .map(AgedTicket::id).toList(), waitingQueue(api, admin, OLD_FARMER), "the queue after the refill, oldest wait first");
    }

    /** One SQL statement from a file operators run with psql: its comment lines and final ';' left out. */
    private static String withoutComments(String sql) {
        return sql.lines().filter(l -> !l.startsWith("--")).collect(Collectors.joining("\n"))
                .strip().replaceAll(";$", "");
    }

    /** A ticket stored by the V3-era service, with the time the wait began (null: not waiting). */
    private record AgedTicket(long num, Shape shape, Instant expectedWait) {
        String id() {
            return "TKT-" + num;
        }

        static long numOf(String id) {
            return Long.parseLong(id.substring("TKT-".length()));
        }
    }

    /**
     * The rows the V3-era service wrote for this history (V1-V3 columns only): the ticket, its messages
     * one a minute from {@code start}, its last public message and activity time.
     */
    private static AgedTicket storeAsV3(Connection c, String farmerId, Shape shape, Instant start) throws SQLException {
        long num;
        try (PreparedStatement t = c.prepareStatement("INSERT INTO tickets (farmer_id, farmer_name, subject, category,"
                + " priority, status, assignee_id, client_id, created_at, updated_at) VALUES (?, ?, ?, 'general',"
                + " 'normal', ?, NULL, NULL, ?, ?)", new String[] {"num"})) {
            t.setString(1, farmerId);
            t.setString(2, "Farmer");
            t.setString(3, shape.name());
            t.setString(4, shape.status());
            t.setObject(5, at(start));
            t.setObject(6, at(start));
            t.executeUpdate();
            num = generated(t);
        }
        long lastPublic = 0;
        Instant lastPublicAt = start;
        Instant expectedWait = null;
        for (int k = 0; k < shape.script().length(); k++) {
            char who = shape.script().charAt(k);
            Instant when = start.plus(Duration.ofMinutes(k));
            long id = insertMessage(c, num, farmerId, who, when);
            if (who != 'N') {
                lastPublic = id;
                lastPublicAt = when;
            }
            if (k == shape.waitsFromMessage()) {
                expectedWait = when;
            }
        }
        setLastPublic(c, num, lastPublic, lastPublicAt);
        return new AgedTicket(num, shape, expectedWait);
    }

    /** A message row as V1-V3 wrote it: F farmer ({@code farmerId}), A admin answer, N internal note. */
    private static long insertMessage(Connection c, long num, String farmerId, char who, Instant when) throws SQLException {
        try (PreparedStatement m = c.prepareStatement("INSERT INTO messages (ticket_num, sender_role, sender_id,"
                + " sender_name, text, internal, client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                new String[] {"id"})) {
            m.setLong(1, num);
            m.setString(2, who == 'F' ? "farmer" : "admin");
            m.setString(3, who == 'F' ? farmerId : ADMIN);
            m.setString(4, who == 'F' ? "Farmer" : "Admin aged");
            m.setString(5, "a message " + who);
            m.setBoolean(6, who == 'N');
            m.setObject(7, at(when));
            m.executeUpdate();
            return generated(m);
        }
    }

    /** What a V3-era instance updated on a public message: the last message and the activity time, not the wait. */
    private static void setLastPublic(Connection c, long num, long messageId, Instant at) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE tickets SET last_message_id = ?, updated_at = ? WHERE num = ?")) {
            u.setLong(1, messageId);
            u.setObject(2, at(at));
            u.setLong(3, num);
            u.executeUpdate();
        }
    }

    /** The shape written through the API; the index of the message whose time is the ticket's waitingSince, or -1. */
    private static int liveTwinWaitsFrom(Api api, String admin, Shape shape) {
        String farmer = api.farmer(LIVE_FARMER);
        List<Instant> times = new ArrayList<>();
        Api.Answer created = api.post("/api/tickets", farmer, "{\"subject\":" + Api.quote(shape.name()) + ",\"text\":\"first\"}");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asText();
        times.add(Instant.parse(created.json().get("messages").get(0).get("createdAt").asText()));
        for (char who : shape.script().substring(1).toCharArray()) {
            String token = who == 'F' ? farmer : admin;
            Api.Answer a = api.post("/api/tickets/" + id + "/messages", token,
                    "{\"text\":\"" + who + "\",\"internal\":" + (who == 'N') + "}");
            assertEquals(201, a.status(), a.toString());
            times.add(Instant.parse(a.json().get("createdAt").asText()));
        }
        if (!shape.status().equals("open")) {
            Api.Answer a = api.patch("/api/tickets/" + id, admin, "{\"status\":\"" + shape.status() + "\"}");
            assertEquals(200, a.status(), a.toString());
        }
        Instant waiting = waitingSince(api, admin, id);
        return waiting == null ? -1 : times.indexOf(waiting);
    }

    private static Instant waitingSince(Api api, String admin, String id) {
        Api.Answer a = api.get("/api/tickets/" + id, admin);
        assertEquals(200, a.status(), a.toString());
        JsonNode w = a.json().get("waitingSince");
        return w.isNull() ? null : Instant.parse(w.asText());
    }

    /** A farmer's tickets in GET /api/tickets?sort=waiting (one page: fewer than its limit). */
    private static List<String> waitingQueue(Api api, String admin, String farmer) {
        Api.Answer a = api.get("/api/tickets?sort=waiting&limit=50&farmer=" + farmer, admin);
        assertEquals(200, a.status(), a.toString());
        List<String> ids = new ArrayList<>();
        a.json().get("tickets").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    private String databaseUrl() {
        return TestPostgres.selected() ? TestPostgres.freshDatabase() : "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath();
    }

    private static String user() {
        return TestPostgres.selected() ? "postgres" : "sa";
    }

    private static Settings settings(String url) {
        return TestSettings.builder().db(url, TestPostgres.selected() ? user() : null, null).build();
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static long generated(PreparedStatement st) throws SQLException {
        try (ResultSet keys = st.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }
}
