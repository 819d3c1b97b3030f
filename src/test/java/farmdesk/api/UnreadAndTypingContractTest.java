package farmdesk.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.internalNote;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Unread counts, POST /api/tickets/{id}/read and POST /api/tickets/{id}/typing (docs/api.md, "Tickets and
 * messages"): a farmer's own count, the admins' one count for the team, read marks that only move forward, refused marks, and typing that stores
 * nothing and keeps internal typing from farmers.
 */
class UnreadAndTypingContractTest extends TicketsContractBase {

    private int unread(String id, String token) {
        return getTicket(id, token).get("unread").asInt();
    }

    private int unreadInList(String id, String token, String query) {
        for (String path = "/api/tickets" + query; ; ) {
            JsonNode page = list(path.substring("/api/tickets".length()), token);
            for (JsonNode t : page.get("tickets")) {
                if (t.get("id").asText().equals(id)) {
                    return t.get("unread").asInt();
                }
            }
            if (page.get("next").isNull()) {
                throw new AssertionError(id + " not in the list");
            }
            path = "/api/tickets" + query + (query.isEmpty() ? "?" : "&") + "cursor=" + page.get("next").asText();
        }
    }

    @Test
    void unreadIsTheFarmersOwnAndTheAdminTeamsAndReadMarksMoveForwardOnly() {
        String farmer = api.farmer(uniqueFarmer());
        String admin1 = api.admin("A-unread-1");
        String admin2 = api.admin("A-unread-2");
        JsonNode t = create(farmer, "{\"subject\":\"s\",\"text\":\"first\"}");
        String id = t.get("id").asText();
        long first = t.at("/messages/0/id").asLong();

        assertEquals(0, unread(id, farmer));
        assertEquals(1, unread(id, admin1));
        assertEquals(1, unread(id, admin2));

        long r1 = api.postMessage(admin1, id, "reply 1").get("id").asLong();
        long r2 = api.postMessage(admin2, id, "reply 2").get("id").asLong();
        long note = assertJson(api.post(messagesPath(id), admin1, internalNote("internal")), 201).get("id").asLong();
        assertEquals(2, unread(id, farmer), "internal notes are excluded for farmers");
        assertEquals(2, unreadInList(id, farmer, ""));
        assertEquals(2, unread(id, farmer), "GET marks nothing");
        assertEquals(1, unread(id, admin1), "own and other admins' messages are not unread for an admin");

        assertEquals(204, api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + r1 + "}").status());
        assertEquals(1, unread(id, farmer));
        assertEquals(1, unreadInList(id, farmer, "?status=open"));
        Api.Answer back = api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + first + "}");
        assertEquals(204, back.status());
        assertEquals("", back.body());
        assertEquals(1, unread(id, farmer), "a read mark never moves back");
        assertEquals(204, api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + r2 + "}").status());
        assertEquals(0, unread(id, farmer));
        assertEquals(1, unread(id, admin2), "the farmer's own read mark is not the team's");

        // the team's: admin1 reading clears it for admin2 too
        assertEquals(204, api.post("/api/tickets/" + id + "/read", admin1, "{\"messageId\":" + note + "}").status());
        assertEquals(0, unread(id, admin1));
        assertEquals(0, unread(id, admin2));
        assertEquals(0, unreadInList(id, admin2, "?assignee=none"));
        assertEquals(0, unread(id, api.admin("A-unread-3")), "an admin who never read a thing");

        long f2 = api.postMessage(farmer, id, "more").get("id").asLong();
        api.postMessage(farmer, id, "and more");
        assertEquals(2, unread(id, admin1));
        assertEquals(2, unread(id, admin2));
        assertEquals(0, unread(id, farmer));
        assertEquals(204, api.post("/api/tickets/" + id + "/read", admin2, "{\"messageId\":" + f2 + "}").status());
        assertEquals(1, unread(id, admin1), "read up to the first of the two");
        assertEquals(1, unreadInList(id, admin1, ""));
        assertEquals(204, api.post("/api/tickets/" + id + "/read", admin1, "{\"messageId\":" + first + "}").status());
        assertEquals(1, unread(id, admin2), "an admin's older mark does not take the team's back");
    }

    @Test
    void readRefusesMessagesThatAreNotThisTicketsOrNotVisible() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-read");
        String id = api.createTicket(farmer, "s", "t");
        String other = api.createTicket(farmer, "s2", "t2");
        long otherMessage = getTicket(other, farmer).at("/messages/0/id").asLong();
        long note = assertJson(api.post(messagesPath(id), admin, internalNote("n")), 201).get("id").asLong();
        String path = "/api/tickets/" + id + "/read";
        assertProblem(api.post(path, farmer, "{\"messageId\":" + otherMessage + "}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":" + note + "}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":\"5\"}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":1.5}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":0}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":-4}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":123456789012345678901234567890}"), 400, "messageId");
        assertProblem(api.post(path, farmer, null), 400);
    }

    @Test
    void typingAnswers204AndStoresNothing() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-typing");
        String id = api.createTicket(farmer, "s", "t");
        JsonNode before = getTicket(id, admin);
        Api.Answer a = api.post("/api/tickets/" + id + "/typing", farmer, null);
        assertEquals(204, a.status());
        assertEquals("", a.body());
        assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, null).status());
        assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, "{}").status());
        JsonNode after = getTicket(id, admin);
        assertEquals(before.get("updatedAt"), after.get("updatedAt"));
        assertEquals(before.get("messages"), after.get("messages"));
    }

    @Test
    void typingAnInternalNoteReachesAdminsOnly() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-typing-note");
        String id = api.createTicket(farmer, "s", "t");
        try (SseClient farmerStream = SseClient.open(api.base(), "/api/tickets/" + id + "/events", farmer);
             SseClient adminStream = SseClient.open(api.base(), "/api/admin/events", api.admin("A-watching"))) {
            assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, "{\"internal\":true}").status());
            SseClient.Event typing = adminStream.next();
            assertEquals("typing", typing.type());
            assertEquals(id, typing.json().get("ticketId").asText());
            api.postMessage(admin, id, "marker");
            SseClient.Event next = farmerStream.next();
            assertEquals("new-message", next.type(), "the farmer never sees the note being typed");
        }
        assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, "{\"internal\":true}"), 403, "internal");
        assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, "{\"internal\":\"yes\"}"), 400, "internal");
    }
}
