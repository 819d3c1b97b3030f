package farmdesk.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GET /api/admins and the assignee rule (docs/api.md, "Admins"): the admins who have signed in are
 * known, by the name of their latest token; a ticket's assignee is a known admin or nobody, and tickets
 * (in answers and in events) carry the assignee's name.
 */
class KnownAdminsContractTest extends TicketsContractBase {

    @Test
    void anAdminWhoUsedTheApiIsListedByTheNameOfTheirLatestToken() {
        String lister = api.admin("A-lister");
        String ravi = api.token("admin", "A-known-ravi", "Ravi");
        api.token("admin", "A-never-used", "Nobody"); // a token minted but never used: not signed in
        assertJson(api.get("/api/tickets?limit=1", ravi), 200);

        JsonNode admins = assertJson(api.get("/api/admins", lister), 200).get("admins");
        assertEquals("Ravi", nameOf(admins, "A-known-ravi"));
        assertEquals("Admin A-lister", nameOf(admins, "A-lister"), "the caller is known by the call itself");
        assertEquals(null, nameOf(admins, "A-never-used"));
        admins.forEach(a -> assertEquals(2, a.size(), "id and name only: " + a));

        // a new token with another name: the latest name is the one shown
        assertJson(api.get("/api/tickets?limit=1", api.token("admin", "A-known-ravi", "Ravi Kumar")), 200);
        assertEquals("Ravi Kumar", nameOf(assertJson(api.get("/api/admins", lister), 200).get("admins"), "A-known-ravi"));
    }

    @Test
    void farmersAreNeitherListedNorAllowedToList() {
        String farmer = api.farmer("F-admins-" + uniqueFarmer());
        assertProblem(api.get("/api/admins", farmer), 403);
        assertProblem(api.get("/api/admins", null), 401);
        String farmerId = "F-admins-" + uniqueFarmer();
        api.createTicket(api.farmer(farmerId), "s", "t");
        assertEquals(null, nameOf(assertJson(api.get("/api/admins", api.admin("A-l2")), 200).get("admins"), farmerId));
    }

    @Test
    void theAssigneeIsAKnownAdminOrNobodyAndAnythingElseIs422AndChangesNothing() {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-assigner");
        api.signedInAdmin("A-asha", "Asha");
        api.token("admin", "A-not-signed-in", "Never");
        String id = api.createTicket(farmer, "s", "t");

        JsonNode assigned = patch(id, admin, "{\"assigneeId\":\"A-asha\",\"priority\":\"high\"}");
        assertEquals("A-asha", assigned.get("assigneeId").asText());
        assertEquals("Asha", assigned.get("assigneeName").asText());

        for (String unknown : List.of("A-not-signed-in", "A-made-up", farmerId, "a-asha")) {
            assertProblem(api.patch("/api/tickets/" + id, admin,
                    "{\"assigneeId\":\"" + unknown + "\",\"priority\":\"low\"}"), 422, "assigneeId");
        }
        JsonNode unchanged = getTicket(id, admin);
        assertEquals("A-asha", unchanged.get("assigneeId").asText());
        assertEquals("high", unchanged.get("priority").asText(), "a refused PATCH changes nothing, not even its other fields");

        // the name travels with the ticket: lists, the farmer's view, and events
        assertEquals("Asha", ticketIn(list("?assignee=A-asha", admin), id).get("assigneeName").asText());
        assertEquals("Asha", getTicket(id, farmer).get("assigneeName").asText());
        List<JsonNode> updates = new ArrayList<>();
        assertJson(api.get("/api/tickets/" + id + "/events/poll?after=0&timeout=0", admin), 200).get("events")
                .forEach(e -> {
                    if (e.get("type").asText().equals("ticket-updated")) {
                        updates.add(e.get("data"));
                    }
                });
        assertEquals(1, updates.size(), "refused changes leave no event: " + updates);
        assertEquals("Asha", updates.get(0).get("ticket").get("assigneeName").asText());

        JsonNode unassigned = patch(id, admin, "{\"assigneeId\":null}");
        assertNullPresent(unassigned, "assigneeId");
        assertNullPresent(unassigned, "assigneeName");
        assertNullPresent(getTicket(api.createTicket(farmer, "new", "t"), admin), "assigneeName");
    }

    private static String nameOf(JsonNode admins, String id) {
        for (JsonNode a : admins) {
            if (a.get("id").asText().equals(id)) {
                return a.get("name").asText();
            }
        }
        return null;
    }

    private static JsonNode ticketIn(JsonNode page, String id) {
        for (JsonNode t : page.get("tickets")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        return fail(id + " not in " + page);
    }
}
