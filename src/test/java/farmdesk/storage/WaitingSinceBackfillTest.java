package farmdesk.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
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
    private static final String ADMIN = "A-aged";
    private static final Instant EPOCH = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void v4BackFillsWhatTheLiveCodeWouldHaveSet(Servers servers) throws Exception {
        String url = TestPostgres.selected() ? TestPostgres.freshDatabase()
                : "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath();
        String user = TestPostgres.selected() ? "postgres" : "sa";
        String jdbcUrl = Database.withH2Options(url); // the URL the app itself opens

        // the database as a V3 release left it
        var migrated = Flyway.configure().dataSource(jdbcUrl, user, "").locations("classpath:db/migration")
                .target("3").load().migrate();
        assertEquals("3", migrated.targetSchemaVersion);
        List<AgedTicket> aged = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            for (int i = 0; i < SHAPES.size(); i++) {
                // later tickets began earlier: the wait order is not the order of the numbers
                aged.add(storeAsV3(c, SHAPES.get(i), EPOCH.minus(Duration.ofHours(i))));
            }
        }

        Farmdesk app = servers.start(TestSettings.builder().db(url, TestPostgres.selected() ? user : null, null).build());
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
        assertEquals(expectedQueue, waitingQueue(api, admin), "GET /api/tickets?sort=waiting, oldest wait first");

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
        assertEquals(everyone, waitingQueue(api, admin).stream().sorted(Comparator.comparing(AgedTicket::numOf)).toList(),
                "every ticket but the answered closed one waits");
        for (AgedTicket t : aged) {
            if (!t.shape().status().equals("closed")) {
                api.postMessage(admin, t.id(), "on its way");
                assertNull(waitingSince(api, admin, t.id()), "answered: " + t.shape().name());
            }
        }
        assertEquals(aged.stream().filter(t -> t.shape().status().equals("closed") && t.shape().waits())
                .map(AgedTicket::id).toList(), waitingQueue(api, admin), "only the closed waiting ticket is left");
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
    private static AgedTicket storeAsV3(Connection c, Shape shape, Instant start) throws SQLException {
        long num;
        try (PreparedStatement t = c.prepareStatement("INSERT INTO tickets (farmer_id, farmer_name, subject, category,"
                + " priority, status, assignee_id, client_id, created_at, updated_at) VALUES (?, ?, ?, 'general',"
                + " 'normal', ?, NULL, NULL, ?, ?)", new String[] {"num"})) {
            t.setString(1, AGED_FARMER);
            t.setString(2, "Farmer aged");
            t.setString(3, shape.name());
            t.setString(4, shape.status());
            t.setObject(5, at(start));
            t.setObject(6, at(start));
            t.executeUpdate();
            num = generated(t);
        }
        Long lastPublic = null;
        Instant lastPublicAt = start;
        Instant expectedWait = null;
        try (PreparedStatement m = c.prepareStatement("INSERT INTO messages (ticket_num, sender_role, sender_id,"
                + " sender_name, text, internal, client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                new String[] {"id"})) {
            for (int k = 0; k < shape.script().length(); k++) {
                char who = shape.script().charAt(k);
                Instant when = start.plus(Duration.ofMinutes(k));
                m.setLong(1, num);
                m.setString(2, who == 'F' ? "farmer" : "admin");
                m.setString(3, who == 'F' ? AGED_FARMER : ADMIN);
                m.setString(4, who == 'F' ? "Farmer aged" : "Admin aged");
                m.setString(5, "message " + k + " of " + shape.script());
                m.setBoolean(6, who == 'N');
                m.setObject(7, at(when));
                m.executeUpdate();
                long id = generated(m);
                if (who != 'N') {
                    lastPublic = id;
                    lastPublicAt = when;
                }
                if (k == shape.waitsFromMessage()) {
                    expectedWait = when;
                }
            }
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE tickets SET last_message_id = ?, updated_at = ? WHERE num = ?")) {
            u.setLong(1, lastPublic);
            u.setObject(2, at(lastPublicAt));
            u.setLong(3, num);
            u.executeUpdate();
        }
        return new AgedTicket(num, shape, expectedWait);
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

    /** The aged farmer's tickets in GET /api/tickets?sort=waiting (one page: fewer than its limit). */
    private static List<String> waitingQueue(Api api, String admin) {
        Api.Answer a = api.get("/api/tickets?sort=waiting&limit=50&farmer=" + AGED_FARMER, admin);
        assertEquals(200, a.status(), a.toString());
        List<String> ids = new ArrayList<>();
        a.json().get("tickets").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
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
