package farmdesk.api;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.internalNote;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /api/tickets/{id}/messages (docs/api.md, "Tickets and messages", "Precise rules"): the answer,
 * clientId repeats (also concurrent ones), a farmer's message reopening the ticket, closed tickets and
 * internal notes.
 */
class MessagesContractTest extends TicketsContractBase {

    @Test
    void postingAMessageAnswers201AndMovesTheTicket() {
        String farmerId = uniqueFarmer();
        String farmer = api.token("farmer", farmerId, "Ravi");
        String admin = api.token("admin", "A-post", "Meena");
        JsonNode t = create(farmer, "{\"subject\":\"s\",\"text\":\"t\"}");
        String id = t.get("id").asText();

        Api.Answer a = api.post(messagesPath(id), admin, "{\"text\":\"  We are checking  \",\"clientId\":\"k-1\"}");
        JsonNode m = assertJson(a, 201);
        assertEquals(id, m.get("ticketId").asText());
        assertEquals("admin", m.get("senderRole").asText());
        assertEquals("A-post", m.get("senderId").asText());
        assertEquals("Meena", m.get("senderName").asText());
        assertEquals("We are checking", m.get("text").asText());
        assertFalse(m.get("internal").asBoolean());
        assertEquals("k-1", m.get("clientId").asText());
        assertTrue(m.get("id").asLong() > t.at("/messages/0/id").asLong());

        JsonNode after = getTicket(id, farmer);
        assertEquals(m.get("id").asLong(), after.at("/lastMessage/id").asLong());
        assertEquals("admin", after.at("/lastMessage/senderRole").asText());
        assertEquals("We are checking", after.at("/lastMessage/text").asText());
        assertFalse(Instant.parse(after.get("updatedAt").asText()).isBefore(Instant.parse(t.get("updatedAt").asText())));
        assertEquals(2, after.get("messages").size());
        assertEquals("open", after.get("status").asText(), "an admin message does not change the status");

        JsonNode fm = assertJson(api.post(messagesPath(id), farmer, messageBody("thanks")), 201);
        assertEquals("farmer", fm.get("senderRole").asText());
        assertNullPresent(fm, "clientId");
    }

    @Test
    void aRepeatedClientIdReturnsTheFirstMessageWith200() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-idem");
        String id = api.createTicket(farmer, "s", "t");
        String cid = UUID.randomUUID().toString();
        JsonNode first = assertJson(api.post(messagesPath(id), farmer, messageBody("once", cid)), 201);
        Api.Answer again = api.post(messagesPath(id), farmer, messageBody("twice?", cid));
        JsonNode second = assertJson(again, 200);
        assertEquals(first, second, "the original message, unchanged");
        assertEquals(2, getTicket(id, farmer).get("messages").size(), "nothing created");

        // also when the ticket was closed meanwhile (a new clientId there is 409)
        patch(id, admin, "{\"status\":\"closed\"}");
        assertEquals(first, assertJson(api.post(messagesPath(id), farmer, messageBody("thrice?", cid)), 200));
        assertProblem(api.post(messagesPath(id), farmer, messageBody("new", UUID.randomUUID().toString())), 409, "closed");
        assertEquals(2, getTicket(id, admin).get("messages").size());

        // scoped to the ticket: the same clientId on another ticket creates a message there
        String other = api.createTicket(farmer, "s2", "t2");
        JsonNode elsewhere = assertJson(api.post(messagesPath(other), farmer, messageBody("once", cid)), 201);
        assertNotEquals(first.get("id").asLong(), elsewhere.get("id").asLong());
        assertEquals(other, elsewhere.get("ticketId").asText());
    }

    @Test
    void concurrentRepeatsOfOneClientIdStoreOneMessage() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-race");
        String id = api.createTicket(farmer, "s", "t");
        for (int round = 0; round < 3; round++) {
            String cid = UUID.randomUUID().toString();
            String token = round == 1 ? admin : farmer;
            List<Api.Answer> answers = concurrently(16, () -> api.post(messagesPath(id), token, messageBody("race " + cid, cid)));
            assertEquals(1, answers.stream().filter(a -> a.status() == 201).count(), answers.toString());
            assertEquals(15, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
            Set<Long> messageIds = new HashSet<>();
            answers.forEach(a -> messageIds.add(a.json().get("id").asLong()));
            assertEquals(1, messageIds.size(), "all answers carry the same message: " + messageIds);
            long stored = 0;
            for (JsonNode m : getTicket(id, admin).get("messages")) {
                if (cid.equals(m.path("clientId").asText(null))) {
                    stored++;
                }
            }
            assertEquals(1, stored);
        }
        assertEquals(4, getTicket(id, admin).get("messages").size());
    }

    @Test
    void aFarmerMessageReopensPendingAndResolvedTickets() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-reopen");
        String id = api.createTicket(farmer, "s", "t");

        patch(id, admin, "{\"status\":\"pending\"}");
        api.postMessage(admin, id, "admin writes on pending");
        assertEquals("pending", getTicket(id, farmer).get("status").asText(), "admin messages leave the status");
        api.postMessage(farmer, id, "farmer answers");
        assertEquals("open", getTicket(id, farmer).get("status").asText());

        patch(id, farmer, "{\"status\":\"resolved\"}");
        api.postMessage(admin, id, "admin writes on resolved");
        assertEquals("resolved", getTicket(id, farmer).get("status").asText());
        api.postMessage(farmer, id, "not solved after all");
        assertEquals("open", getTicket(id, admin).get("status").asText());

        api.postMessage(farmer, id, "still open");
        assertEquals("open", getTicket(id, admin).get("status").asText());
    }

    @Test
    void aFarmerReopeningEmitsNewMessageThenTicketUpdated() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-reopen-events");
        String id = api.createTicket(farmer, "s", "t");
        patch(id, admin, "{\"status\":\"pending\"}");
        try (SseClient stream = SseClient.open(api.base(), "/api/tickets/" + id + "/events", admin)) {
            assertEquals(200, stream.status());
            long messageId = api.postMessage(farmer, id, "back again").get("id").asLong();
            SseClient.Event m = stream.next();
            assertEquals("new-message", m.type());
            assertEquals(messageId, m.json().at("/message/id").asLong());
            SseClient.Event u = stream.next();
            assertEquals("ticket-updated", u.type());
            assertEquals(m.numericId() + 1, u.numericId());
            assertEquals("pending", u.json().at("/changes/status/0").asText());
            assertEquals("open", u.json().at("/changes/status/1").asText());
            assertEquals("open", u.json().at("/ticket/status").asText());
            assertFalse(u.json().get("ticket").has("unread"), "ticket objects inside events carry no unread");
        }
    }

    @Test
    void postingToAClosedTicketIs409UntilAnAdminReopensIt() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-closed");
        String id = api.createTicket(farmer, "s", "t");
        patch(id, farmer, "{\"status\":\"closed\"}");
        assertProblem(api.post(messagesPath(id), farmer, messageBody("hello?")), 409, id);
        assertProblem(api.post(messagesPath(id), admin, messageBody("hello?")), 409);
        assertProblem(api.post(messagesPath(id), admin, internalNote("note")), 409);
        assertEquals(1, getTicket(id, admin).get("messages").size());

        JsonNode reopened = patch(id, admin, "{\"status\":\"open\"}");
        assertEquals("open", reopened.get("status").asText());
        api.postMessage(farmer, id, "thanks for reopening");
    }

    @Test
    void aFarmerSendingAnInternalNoteGets403() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        assertProblem(api.post(messagesPath(id), farmer, internalNote("psst")), 403, "internal");
        JsonNode explicitFalse = assertJson(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"internal\":false}"), 201);
        assertFalse(explicitFalse.get("internal").asBoolean());
        JsonNode note = assertJson(api.post(messagesPath(id), api.admin("A-note"), internalNote("psst")), 201);
        assertTrue(note.get("internal").asBoolean());
    }
}
