package farmdesk.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GET /api/tickets/{id} (docs/api.md, "Tickets and messages"): messages oldest first, paging back with
 * {@code before}, and 404 for unknown tickets on every ticket path.
 */
class TicketLookupContractTest extends TicketsContractBase {

    @Test
    void getShowsMessagesOldestFirstAndPagesBackWithBefore() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-pages");
        String id = api.createTicket(farmer, "long", "m0");
        List<Long> all = new ArrayList<>();
        all.add(getTicket(id, farmer).at("/messages/0/id").asLong());
        for (int i = 1; i <= 205; i++) {
            all.add(api.postMessage(i % 2 == 0 ? farmer : admin, id, "m" + i).get("id").asLong());
        }
        JsonNode latest = getTicket(id, farmer);
        JsonNode messages = latest.get("messages");
        assertEquals(200, messages.size(), "the latest 200");
        List<Long> page1 = new ArrayList<>();
        messages.forEach(m -> page1.add(m.get("id").asLong()));
        assertEquals(all.subList(6, 206), page1, "oldest first, ending with the newest");
        assertEquals("m205", messages.get(199).get("text").asText());

        JsonNode older = getTicket(id + "?before=" + page1.getFirst(), farmer);
        List<Long> page2 = new ArrayList<>();
        older.get("messages").forEach(m -> page2.add(m.get("id").asLong()));
        assertEquals(all.subList(0, 6), page2);
        assertEquals("m0", older.at("/messages/0/text").asText());
        assertEquals(0, getTicket(id + "?before=" + page2.getFirst(), farmer).get("messages").size());
        // before=a middle id: the 200 before it
        JsonNode middle = getTicket(id + "?before=" + all.get(100), admin);
        assertEquals(100, middle.get("messages").size());
        assertEquals(all.get(99).longValue(), middle.at("/messages/99/id").asLong());

        assertProblem(api.get("/api/tickets/" + id + "?before=abc", farmer), 400, "before");
        assertProblem(api.get("/api/tickets/" + id + "?before=-3", farmer), 400, "before");
    }

    @Test
    void unknownTicketsAre404() {
        String farmer = api.farmer(uniqueFarmer());
        for (String id : List.of("TKT-99999999", "TKT-0", "nonsense", "TKT-x", "tkt-1001", "TKT-99999999999999999999999")) {
            assertProblem(api.get("/api/tickets/" + id, farmer), 404);
            assertProblem(api.post(messagesPath(id), farmer, messageBody("x")), 404);
            assertProblem(api.patch("/api/tickets/" + id, farmer, "{\"status\":\"closed\"}"), 404);
            assertProblem(api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":1}"), 404);
            assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, null), 404);
        }
    }
}
