package farmdesk.api;

import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /api/tickets (docs/api.md, "Tickets and messages", "Precise rules"): the answer's shape, defaults,
 * trimming, clientId repeats (also concurrent ones) and refused fields.
 */
class TicketCreationContractTest extends TicketsContractBase {

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    @Test
    void createAnswers201WithLocationDefaultsNullKeysAndTheFirstMessage() {
        String farmerId = uniqueFarmer();
        String farmer = api.token("farmer", farmerId, "Asha");
        Instant before = Instant.now().minusSeconds(5);

        Api.Answer a = api.post("/api/tickets", farmer, "{\"subject\":\"Payment not received\",\"text\":\"Hello\"}");
        JsonNode t = assertJson(a, 201);

        String id = t.get("id").asText();
        assertTrue(id.matches("TKT-[1-9][0-9]*"), id);
        assertEquals("/api/tickets/" + id, URI.create(a.header("Location")).getPath());
        assertEquals(farmerId, t.get("farmerId").asText());
        assertEquals("Asha", t.get("farmerName").asText());
        assertEquals("Payment not received", t.get("subject").asText());
        assertEquals("general", t.get("category").asText());
        assertEquals("normal", t.get("priority").asText());
        assertEquals("open", t.get("status").asText());
        assertNullPresent(t, "assigneeId");
        Instant createdAt = Instant.parse(t.get("createdAt").asText());
        assertTrue(createdAt.isAfter(before), "createdAt " + createdAt);
        assertEquals(createdAt, Instant.parse(t.get("updatedAt").asText()));
        assertEquals(0, t.get("unread").asInt(), "the farmer's own message is not unread");

        JsonNode messages = t.get("messages");
        assertEquals(1, messages.size(), t.toString());
        JsonNode first = messages.get(0);
        assertTrue(first.get("id").isIntegralNumber());
        assertEquals(id, first.get("ticketId").asText());
        assertEquals("farmer", first.get("senderRole").asText());
        assertEquals(farmerId, first.get("senderId").asText());
        assertEquals("Asha", first.get("senderName").asText());
        assertEquals("Hello", first.get("text").asText());
        assertFalse(first.get("internal").asBoolean());
        assertTrue(first.get("internal").isBoolean());
        assertNullPresent(first, "clientId");
        Instant.parse(first.get("createdAt").asText());

        JsonNode last = t.get("lastMessage");
        assertEquals(first.get("id").asLong(), last.get("id").asLong());
        assertEquals("farmer", last.get("senderRole").asText());
        assertEquals("Hello", last.get("text").asText());
        assertNotNull(last.get("createdAt"));

        // the Location answers with the same ticket
        JsonNode again = assertJson(api.get(URI.create(a.header("Location")).getPath(), farmer), 200);
        assertEquals(id, again.get("id").asText());
        assertNullPresent(again, "assigneeId");
    }

    @Test
    void createTakesCategoryPriorityAndTrimsSubjectTextAndCategory() {
        String farmer = api.farmer(uniqueFarmer());
        JsonNode t = create(farmer, "{\"subject\":\"  Seeds  \",\"text\":\"\\n\\t My seeds \\n\","
                + "\"category\":\"  deliveries \",\"priority\":\"urgent\",\"clientId\":\"c-1\"}");
        assertEquals("Seeds", t.get("subject").asText());
        assertEquals("deliveries", t.get("category").asText());
        assertEquals("urgent", t.get("priority").asText());
        assertEquals("My seeds", t.at("/messages/0/text").asText());
        assertEquals("My seeds", getTicket(t.get("id").asText(), farmer).at("/messages/0/text").asText(),
                "the trimmed value is stored");
        for (String p : List.of("low", "normal", "high", "urgent")) {
            assertEquals(p, create(farmer, "{\"subject\":\"s\",\"text\":\"t\",\"priority\":\"" + p + "\"}")
                    .get("priority").asText());
        }
    }

    @Test
    void ticketIdsAreUnique() {
        String farmer = api.farmer(uniqueFarmer());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            assertTrue(ids.add(api.createTicket(farmer, "s" + i, "t" + i)));
        }
    }

    @Test
    void createWithARepeatedClientIdReturnsTheOriginalWith200() {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String cid = UUID.randomUUID().toString();
        JsonNode first = create(farmer, "{\"subject\":\"First\",\"text\":\"one\",\"clientId\":\"" + cid + "\"}");
        String id = first.get("id").asText();

        Api.Answer repeat = api.post("/api/tickets", farmer,
                "{\"subject\":\"Second\",\"text\":\"two\",\"clientId\":\"" + cid + "\"}");
        JsonNode again = assertJson(repeat, 200);
        assertEquals(id, again.get("id").asText());
        assertEquals("First", again.get("subject").asText());
        assertEquals("/api/tickets/" + id, URI.create(repeat.header("Location")).getPath());
        assertEquals(1, again.get("messages").size());
        assertEquals(first.at("/messages/0/id").asLong(), again.at("/messages/0/id").asLong());
        assertEquals("one", again.at("/messages/0/text").asText());
        assertNullPresent(again, "assigneeId");

        // also after the ticket was closed and has more messages
        api.postMessage(farmer, id, "more");
        patch(id, farmer, "{\"status\":\"closed\"}");
        JsonNode late = assertJson(api.post("/api/tickets", farmer,
                "{\"subject\":\"Third\",\"text\":\"three\",\"clientId\":\"" + cid + "\"}"), 200);
        assertEquals(id, late.get("id").asText());
        assertEquals("one", late.at("/messages/0/text").asText());

        assertEquals(List.of(id), ids(list("", farmer)), "nothing else was created");

        // scoped to the farmer: another farmer's identical clientId makes a new ticket
        String other = api.farmer(uniqueFarmer());
        JsonNode theirs = create(other, "{\"subject\":\"Mine\",\"text\":\"mine\",\"clientId\":\"" + cid + "\"}");
        assertNotEquals(id, theirs.get("id").asText());
    }

    @Test
    void concurrentCreatesWithOneClientIdStoreOneTicket() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String body = "{\"subject\":\"Race\",\"text\":\"at once\",\"clientId\":\"" + UUID.randomUUID() + "\"}";
        List<Api.Answer> answers = concurrently(12, () -> api.post("/api/tickets", farmer, body));
        assertEquals(1, answers.stream().filter(a -> a.status() == 201).count(), answers.toString());
        assertEquals(11, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
        Set<String> ids = new HashSet<>();
        Set<Long> firstIds = new HashSet<>();
        answers.forEach(a -> {
            ids.add(a.json().get("id").asText());
            firstIds.add(a.json().at("/messages/0/id").asLong());
        });
        assertEquals(1, ids.size(), ids.toString());
        assertEquals(1, firstIds.size(), firstIds.toString());
        assertEquals(1, list("", farmer).get("tickets").size());
    }

    @Test
    void onlyFarmersCreateTickets() {
        assertProblem(api.post("/api/tickets", api.admin("A-create"), "{\"subject\":\"s\",\"text\":\"t\"}"), 403);
    }

    @Test
    void createRefusesInvalidFieldsWithAUsefulDetail() {
        String farmer = api.farmer(uniqueFarmer());
        assertProblem(api.post("/api/tickets", farmer, "{\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\"}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"   \",\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\" \\n\\t \"}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":" + Api.quote("x".repeat(201)) + ",\"text\":\"t\"}"), 400, "subject", "200");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":\"s\",\"text\":\"t\",\"priority\":\"extreme\"}"), 400, "priority");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":\"s\",\"text\":\"t\",\"category\":" + Api.quote("c".repeat(41)) + "}"), 400, "category");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":7,\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":[\"t\"]}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"priority\":1}"), 400, "priority");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"clientId\":{}}"), 400, "clientId");
        assertEquals(0, list("", farmer).get("tickets").size(), "nothing refused was stored");

        // boundaries that are fine: 200 code points of subject (emoji are 2 UTF-16 units), 40 of category
        String emoji = "\uD83C\uDF3E"; // 🌾
        JsonNode t = create(farmer, "{\"subject\":" + Api.quote(repeat(emoji, 200)) + ",\"text\":\"t\",\"category\":"
                + Api.quote(repeat(emoji, 40)) + "}");
        assertEquals(repeat(emoji, 200), t.get("subject").asText());
        assertEquals(repeat(emoji, 40), t.get("category").asText());
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":" + Api.quote(repeat(emoji, 201)) + ",\"text\":\"t\"}"), 400, "subject");
    }
}
