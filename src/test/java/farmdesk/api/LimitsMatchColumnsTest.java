package farmdesk.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    private static String farmer;
    private static String admin;

    @BeforeAll
    static void start(Api client) {
        api = client;
        farmer = api.token("farmer", "F-limits", WIDE.repeat(100));
        admin = api.admin("A-limits");
    }

    /** The reproduction from the issue: 33 emoji are 33 characters of the 64 allowed. */
    @Test
    void anAssigneeOf33EmojiIsStored() {
        String ticket = api.createTicket(farmer, "assignee", "wide");
        Api.Answer a = api.patch("/api/tickets/" + ticket, admin, "{\"assigneeId\":" + quote(WIDE.repeat(33)) + "}");
        assertEquals(200, a.status(), a.body());
        assertEquals(WIDE.repeat(33), api.get("/api/tickets/" + ticket, admin).json().get("assigneeId").asText());
    }

    @Test
    void theAssigneeHoldsItsLimitOfWideCharactersAndOneMoreIs400() {
        String ticket = api.createTicket(farmer, "assignee", "limit");
        Api.Answer a = api.patch("/api/tickets/" + ticket, admin, "{\"assigneeId\":" + quote(WIDE.repeat(64)) + "}");
        assertEquals(200, a.status(), a.body());
        assertEquals(WIDE.repeat(64), api.get("/api/tickets/" + ticket, admin).json().get("assigneeId").asText());

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
