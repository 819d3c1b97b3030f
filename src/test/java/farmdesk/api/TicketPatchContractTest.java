package farmdesk.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;

import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PATCH /api/tickets/{id} (docs/api.md, "Tickets and messages"): what a farmer and what an admin may
 * change, and refused values.
 */
class TicketPatchContractTest extends TicketsContractBase {

    @Test
    void aFarmerMayOnlyResolveOrCloseTheirOwnTicket() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        for (String body : List.of("{\"status\":\"open\"}", "{\"status\":\"pending\"}", "{\"priority\":\"urgent\"}",
                "{\"category\":\"vip\"}", "{\"assigneeId\":\"A-1\"}", "{\"assigneeId\":null}",
                "{\"status\":\"resolved\",\"priority\":\"high\"}")) {
            assertProblem(api.patch("/api/tickets/" + id, farmer, body), 403);
        }
        JsonNode t = getTicket(id, farmer);
        assertEquals("open", t.get("status").asText());
        assertEquals("normal", t.get("priority").asText());
        assertEquals("general", t.get("category").asText());

        JsonNode resolved = patch(id, farmer, "{\"status\":\"resolved\",\"note\":\"unknown fields are ignored\"}");
        assertEquals("resolved", resolved.get("status").asText());
        assertTrue(resolved.get("unread").isIntegralNumber());
        assertNullPresent(resolved, "assigneeId");
        JsonNode closed = patch(id, farmer, "{\"status\":\"closed\"}");
        assertEquals("closed", closed.get("status").asText());
    }

    @Test
    void anAdminMayChangeEverythingIncludingReopeningAndUnassigning() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-patch");
        api.signedInAdmin("A-7", "Ravi");
        String id = api.createTicket(farmer, "s", "t");
        Instant created = Instant.parse(getTicket(id, admin).get("updatedAt").asText());

        JsonNode t = patch(id, admin, "{\"status\":\"pending\",\"priority\":\"urgent\",\"category\":\"  payments \","
                + "\"assigneeId\":\"A-7\",\"colour\":\"red\",\"nested\":{\"x\":[1,2]}}");
        assertEquals("pending", t.get("status").asText());
        assertEquals("urgent", t.get("priority").asText());
        assertEquals("payments", t.get("category").asText());
        assertEquals("A-7", t.get("assigneeId").asText());
        assertEquals("Ravi", t.get("assigneeName").asText());
        assertFalse(Instant.parse(t.get("updatedAt").asText()).isBefore(created));
        assertTrue(t.get("unread").isIntegralNumber());
        assertFalse(t.has("colour"));

        assertEquals("A-7", patch(id, admin, "{\"priority\":\"low\"}").get("assigneeId").asText(),
                "leaving assigneeId out leaves the assignee");
        JsonNode unassigned = patch(id, admin, "{\"assigneeId\":null}");
        assertNullPresent(unassigned, "assigneeId");
        assertNullPresent(unassigned, "assigneeName");
        assertNullPresent(getTicket(id, farmer), "assigneeId");

        for (String s : List.of("resolved", "closed", "open", "closed", "pending", "open")) {
            assertEquals(s, patch(id, admin, "{\"status\":\"" + s + "\"}").get("status").asText());
        }
        assertEquals("open", patch(id, admin, "{}").get("status").asText(), "an empty PATCH changes nothing");

        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"status\":\"done\"}"), 400, "status");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"priority\":\"asap\"}"), 400, "priority");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"status\":1}"), 400, "status");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"assigneeId\":7}"), 400, "assigneeId");
        assertProblem(api.patch("/api/tickets/" + id, admin,
                "{\"category\":" + Api.quote("c".repeat(41)) + "}"), 400, "category");
        assertProblem(api.patch("/api/tickets/" + id, admin, "[]"), 400);
        JsonNode unchanged = getTicket(id, admin);
        assertEquals("low", unchanged.get("priority").asText());
        assertEquals("payments", unchanged.get("category").asText());
    }
}
