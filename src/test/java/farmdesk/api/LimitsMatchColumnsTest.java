package farmdesk.api;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static farmdesk.testing.Api.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every text limit is counted in code points, and every column holds a value at its limit made of
 * characters outside the BMP (two UTF-16 units each, which is what H2 counts; PostgreSQL counts code
 * points): the value is stored, one more character is a 400, never a 500 from the database. The suite
 * runs this on H2 and on PostgreSQL, with the same answers.
 */
@FarmdeskServer
class LimitsMatchColumnsTest {

    private static final String WIDE = "😀"; // U+1F600: one code point, two UTF-16 units, four UTF-8 bytes

    private static Api api;
    private static Farmdesk app;
    private static String farmer;
    private static String admin;

    @BeforeAll
    static void start(Api client, Farmdesk server) {
        api = client;
        app = server;
        farmer = api.token("farmer", "F-limits", WIDE.repeat(100));
        admin = api.admin("A-limits");
    }

    /**
     * An assignee is a known admin (docs/api.md, "Admins"): the widest id a token carries (64 UTF-16
     * units: 32 emoji) and the longest name (100 emoji) are stored and shown.
     */
    @Test
    void theWidestKnownAdminIsAnAssigneeWithTheirName() {
        String ticket = api.createTicket(farmer, "assignee", "wide");
        String id = WIDE.repeat(32);
        String token = app.tokens().mint(id, Role.ADMIN, WIDE.repeat(100), Duration.ofMinutes(5));
        assertEquals(200, api.get("/api/admins", token).status());
        Api.Answer a = api.patch("/api/tickets/" + ticket, admin, "{\"assigneeId\":" + quote(id) + "}");
        assertEquals(200, a.status(), a.body());
        JsonNode t = api.get("/api/tickets/" + ticket, admin).json();
        assertEquals(id, t.get("assigneeId").asText());
        assertEquals(WIDE.repeat(100), t.get("assigneeName").asText());
    }

    /** The assignee's limit is checked first (400); an id within it that no admin has is 422, never a 500. */
    @Test
    void anAssigneeOverItsLimitIs400AndAWideUnknownOneIs422() {
        String ticket = api.createTicket(farmer, "assignee", "limit");
        Api.Answer unknown = api.patch("/api/tickets/" + ticket, admin, "{\"assigneeId\":" + quote(WIDE.repeat(64)) + "}");
        assertEquals(422, unknown.status(), unknown.body());
        assertEquals("application/problem+json", unknown.contentType());

        Api.Answer over = api.patch("/api/tickets/" + ticket, admin, "{\"assigneeId\":" + quote(WIDE.repeat(65)) + "}");
        assertEquals(400, over.status(), over.body());
        assertEquals("application/problem+json", over.contentType());
    }

    @Test
    void everyFieldOfATicketAndAMessageHoldsItsLimitOfWideCharacters() {
        String subject = WIDE.repeat(200);
        String text = WIDE.repeat(4000);
        String category = WIDE.repeat(40);
        String clientId = WIDE.repeat(100);
        Api.Answer created = api.post("/api/tickets", farmer, "{\"subject\":" + quote(subject) + ",\"text\":" + quote(text)
                + ",\"category\":" + quote(category) + ",\"clientId\":" + quote(clientId) + "}");
        assertEquals(201, created.status(), created.body());
        String ticket = created.json().get("id").asText();

        Api.Answer posted = api.post("/api/tickets/" + ticket + "/messages", farmer,
                "{\"text\":" + quote(text) + ",\"clientId\":" + quote(clientId) + "}");
        assertEquals(201, posted.status(), posted.body());
        Api.Answer patched = api.patch("/api/tickets/" + ticket, admin, "{\"category\":" + quote(category) + "}");
        assertEquals(200, patched.status(), patched.body());

        JsonNode stored = api.get("/api/tickets/" + ticket, farmer).json();
        assertEquals(subject, stored.get("subject").asText());
        assertEquals(category, stored.get("category").asText());
        assertEquals(WIDE.repeat(100), stored.get("farmerName").asText(), "a name of 100 wide characters");
        assertEquals(2, stored.get("messages").size());
        for (JsonNode m : stored.get("messages")) {
            assertEquals(text, m.get("text").asText());
        }

        for (String over : new String[] {
                "{\"subject\":" + quote(WIDE.repeat(201)) + ",\"text\":\"x\"}",
                "{\"subject\":\"x\",\"text\":" + quote(WIDE.repeat(4001)) + "}",
                "{\"subject\":\"x\",\"text\":\"x\",\"category\":" + quote(WIDE.repeat(41)) + "}",
                "{\"subject\":\"x\",\"text\":\"x\",\"clientId\":" + quote(WIDE.repeat(101)) + "}"}) {
            Api.Answer refused = api.post("/api/tickets", farmer, over);
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.json().get("detail").asText().contains("at most"), refused.body());
        }
    }
}
