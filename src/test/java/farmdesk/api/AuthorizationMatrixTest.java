package farmdesk.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.internalNote;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static farmdesk.api.ApiAsserts.pollUntilMarker;
import static farmdesk.api.ApiAsserts.readUntilMarker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what: farmer A (the owner), farmer B (another farmer) and an admin against every endpoint,
 * REST, SSE and long-poll; and internal notes, which must never reach a farmer by any path.
 */
@FarmdeskServer
class AuthorizationMatrixTest {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String[] SSE = {"Accept", "text/event-stream"};

    private final Api api;

    AuthorizationMatrixTest(Api api) {
        this.api = api;
    }

    /** Farmer A with a ticket, farmer B with a ticket, and an admin; fresh ids for every test. */
    private final class Cast {
        final String aId = "F-A" + SEQ.incrementAndGet();
        final String bId = "F-B" + SEQ.incrementAndGet();
        final String a = api.farmer(aId);
        final String b = api.farmer(bId);
        final String admin = api.admin("A-" + SEQ.incrementAndGet());
        final String ticketA = api.createTicket(a, "A's problem", "A's first message");
        final String ticketB = api.createTicket(b, "B's problem", "B's first message");
        final long firstA = assertJson(api.get("/api/tickets/" + ticketA, a), 200).at("/messages/0/id").asLong();
    }

    private static String marker() {
        return "marker " + UUID.randomUUID();
    }

    /** Every path of one ticket a farmer could try: REST with bodies, stream and polls. */
    private List<Api.Answer> everyTicketCall(String ticket, String token, long messageId) {
        List<Api.Answer> answers = new ArrayList<>();
        answers.add(api.get("/api/tickets/" + ticket, token));
        answers.add(api.get("/api/tickets/" + ticket + "?before=999999", token));
        answers.add(api.patch("/api/tickets/" + ticket, token, "{\"status\":\"closed\"}"));
        answers.add(api.patch("/api/tickets/" + ticket, token, "{\"status\":\"resolved\"}"));
        answers.add(api.patch("/api/tickets/" + ticket, token, "{\"priority\":\"urgent\"}"));
        answers.add(api.post(messagesPath(ticket), token, messageBody("intruder")));
        answers.add(api.post(messagesPath(ticket), token, messageBody("intruder", "cid-" + UUID.randomUUID())));
        answers.add(api.post(messagesPath(ticket), token, internalNote("intruder note")));
        answers.add(api.post("/api/tickets/" + ticket + "/read", token, "{\"messageId\":" + messageId + "}"));
        answers.add(api.post("/api/tickets/" + ticket + "/typing", token, null));
        answers.add(api.send("GET", "/api/tickets/" + ticket + "/events", token, null, SSE));
        answers.add(api.send("GET", "/api/tickets/" + ticket + "/events", token, null,
                new String[] {"Accept", "text/event-stream", "Last-Event-ID", "0"}));
        answers.add(api.get("/api/tickets/" + ticket + "/events?access_token=" + token, null));
        answers.add(api.get("/api/tickets/" + ticket + "/events/poll", token));
        answers.add(api.get("/api/tickets/" + ticket + "/events/poll?after=0&timeout=0", token));
        answers.add(api.get("/api/tickets/" + ticket + "/events/poll?after=0&timeout=0&access_token=" + token, null));
        return answers;
    }

    @Test
    void anotherFarmersTicketIs404OnEveryPathAndLooksLikeAMissingOne() {
        Cast c = new Cast();
        List<Api.Answer> onAs = everyTicketCall(c.ticketA, c.b, c.firstA);
        List<Api.Answer> onMissing = everyTicketCall("TKT-987654321", c.b, c.firstA);
        assertEquals(onMissing.size(), onAs.size());
        for (int i = 0; i < onAs.size(); i++) {
            Api.Answer a = onAs.get(i);
            assertProblem(a, 404);
            Api.Answer m = onMissing.get(i);
            assertProblem(m, 404);
            assertEquals(m.json().get("title"), a.json().get("title"), "existence is not leaked");
            assertEquals(m.json().get("detail").asText().replace("TKT-987654321", "X"),
                    a.json().get("detail").asText().replace(c.ticketA, "X"), "existence is not leaked");
        }
        // nothing B tried changed A's ticket
        JsonNode t = assertJson(api.get("/api/tickets/" + c.ticketA, c.admin), 200);
        assertEquals("open", t.get("status").asText());
        assertEquals("normal", t.get("priority").asText());
        assertEquals(1, t.get("messages").size());
        assertEquals(0, assertJson(api.get("/api/tickets/" + c.ticketA, c.a), 200).get("unread").asInt());
        // and B's list does not show it
        for (JsonNode listed : assertJson(api.get("/api/tickets?limit=200", c.b), 200).get("tickets")) {
            assertEquals(c.bId, listed.get("farmerId").asText());
        }
    }

    @Test
    void theOwnerMayUseEveryPathOfTheirTicket() throws Exception {
        Cast c = new Cast();
        String t = c.ticketA;
        assertJson(api.get("/api/tickets/" + t, c.a), 200);
        assertJson(api.post(messagesPath(t), c.a, messageBody("more")), 201);
        assertEquals(204, api.post("/api/tickets/" + t + "/read", c.a, "{\"messageId\":" + c.firstA + "}").status());
        assertEquals(204, api.post("/api/tickets/" + t + "/typing", c.a, null).status());
        assertJson(api.get("/api/tickets/" + t + "/events/poll", c.a), 200);
        assertJson(api.get("/api/tickets/" + t + "/events/poll?after=0&timeout=0", c.a), 200);
        assertJson(api.get("/api/farmers/" + c.aId + "/events/poll?after=0&timeout=0", c.a), 200);
        assertJson(api.get("/api/farmers/" + c.aId + "/events/poll?access_token=" + c.a, null), 200);
        try (SseClient s1 = SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.a);
             SseClient s2 = SseClient.open(api.base(), "/api/farmers/" + c.aId + "/events?access_token=" + c.a, null)) {
            assertEquals(200, s1.status());
            assertEquals(200, s2.status());
        }
        assertJson(api.patch("/api/tickets/" + t, c.a, "{\"status\":\"resolved\"}"), 200);
    }

    @Test
    void anAdminMayUseEveryPathOfEveryTicket() throws Exception {
        Cast c = new Cast();
        api.signedInAdmin("A-9", "Admin A-9");
        for (String t : List.of(c.ticketA, c.ticketB)) {
            assertJson(api.get("/api/tickets/" + t, c.admin), 200);
            assertJson(api.post(messagesPath(t), c.admin, messageBody("hello")), 201);
            long note = assertJson(api.post(messagesPath(t), c.admin, internalNote("note")), 201).get("id").asLong();
            assertEquals(204, api.post("/api/tickets/" + t + "/read", c.admin, "{\"messageId\":" + note + "}").status());
            assertEquals(204, api.post("/api/tickets/" + t + "/typing", c.admin, null).status());
            assertJson(api.patch("/api/tickets/" + t, c.admin,
                    "{\"status\":\"pending\",\"priority\":\"high\",\"category\":\"x\",\"assigneeId\":\"A-9\"}"), 200);
            assertJson(api.get("/api/tickets/" + t + "/events/poll?after=0&timeout=0", c.admin), 200);
            try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.admin)) {
                assertEquals(200, s.status());
            }
        }
        for (String farmer : List.of(c.aId, c.bId)) {
            assertJson(api.get("/api/farmers/" + farmer + "/events/poll?after=0&timeout=0", c.admin), 200);
            try (SseClient s = SseClient.open(api.base(), "/api/farmers/" + farmer + "/events", c.admin)) {
                assertEquals(200, s.status());
            }
        }
        assertJson(api.get("/api/admin/events/poll", c.admin), 200);
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events?access_token=" + c.admin, null)) {
            assertEquals(200, s.status());
        }
        // an admin cannot open a ticket: that is the farmer's action
        assertProblem(api.post("/api/tickets", c.admin, "{\"subject\":\"s\",\"text\":\"t\"}"), 403);
        assertProblem(api.get("/api/tickets/TKT-987654321", c.admin), 404);
        assertProblem(api.send("GET", "/api/tickets/TKT-987654321/events", c.admin, null, SSE), 404);
        assertProblem(api.get("/api/tickets/TKT-987654321/events/poll?after=0", c.admin), 404);
    }

    @Test
    void aFarmerOpeningAnotherFarmersStreamOrTheAdminStreamGets403() {
        Cast c = new Cast();
        String farmerStream = "/api/farmers/" + c.aId + "/events";
        for (String path : List.of(farmerStream, "/api/admin/events")) {
            assertProblem(api.send("GET", path, c.b, null, SSE), 403);
            assertProblem(api.send("GET", path, c.b, null, new String[] {"Accept", "text/event-stream", "Last-Event-ID", "0"}), 403);
            assertProblem(api.get(path + "?access_token=" + c.b, null), 403);
            assertProblem(api.get(path + "/poll", c.b), 403);
            assertProblem(api.get(path + "/poll?after=0&timeout=0", c.b), 403);
            assertProblem(api.get(path + "/poll?after=0&timeout=0&access_token=" + c.b, null), 403);
        }
        // A may not open the admin stream either, and not B's stream
        assertProblem(api.send("GET", "/api/admin/events", c.a, null, SSE), 403);
        assertProblem(api.get("/api/farmers/" + c.bId + "/events/poll?after=0", c.a), 403);
        assertProblem(api.get("/api/farmers/no-such-farmer/events/poll?after=0", c.a), 403);
    }

    @Test
    void aFarmerGets403ForAdminOnlyActionsOnTheirOwnTicket() {
        Cast c = new Cast();
        String t = "/api/tickets/" + c.ticketA;
        for (String body : List.of("{\"priority\":\"urgent\"}", "{\"category\":\"vip\"}", "{\"assigneeId\":\"A-1\"}",
                "{\"assigneeId\":null}", "{\"status\":\"open\"}", "{\"status\":\"pending\"}",
                "{\"status\":\"closed\",\"priority\":\"low\"}")) {
            assertProblem(api.patch(t, c.a, body), 403);
        }
        assertProblem(api.post(messagesPath(c.ticketA), c.a, internalNote("I'd like to be internal")), 403);
        JsonNode after = assertJson(api.get(t, c.admin), 200);
        assertEquals("open", after.get("status").asText());
        assertEquals("normal", after.get("priority").asText());
        assertEquals("general", after.get("category").asText());
        assertTrue(after.get("assigneeId").isNull());
        assertEquals(1, after.get("messages").size());
    }

    @Test
    void withoutAValidTokenEveryPathIs401() {
        Cast c = new Cast();
        String t = c.ticketA;
        String bad = c.a.substring(0, c.a.length() - 3) + (c.a.endsWith("AAA") ? "BBB" : "AAA");
        for (String token : new String[] {null, bad}) {
            List<Api.Answer> answers = List.of(
                    api.get("/api/tickets", token),
                    api.post("/api/tickets", token, "{\"subject\":\"s\",\"text\":\"t\"}"),
                    api.get("/api/tickets/" + t, token),
                    api.patch("/api/tickets/" + t, token, "{\"status\":\"closed\"}"),
                    api.post(messagesPath(t), token, messageBody("x")),
                    api.post("/api/tickets/" + t + "/read", token, "{\"messageId\":" + c.firstA + "}"),
                    api.post("/api/tickets/" + t + "/typing", token, null),
                    api.send("GET", "/api/tickets/" + t + "/events", token, null, SSE),
                    api.get("/api/tickets/" + t + "/events/poll?after=0", token),
                    api.send("GET", "/api/farmers/" + c.aId + "/events", token, null, SSE),
                    api.get("/api/farmers/" + c.aId + "/events/poll", token),
                    api.send("GET", "/api/admin/events", token, null, SSE),
                    api.get("/api/admin/events/poll?after=0", token),
                    api.get("/api/admin/events/poll?after=0&access_token=" + bad, null));
            for (Api.Answer a : answers) {
                assertProblem(a, 401);
            }
        }
        assertEquals(1, assertJson(api.get("/api/tickets/" + t, c.admin), 200).get("messages").size());
    }

    // ---------------------------------------------------------------- internal notes

    private static boolean revealsNote(String type, JsonNode data, String noteText, long noteId) {
        if (data.path("message").path("internal").asBoolean(false)) {
            return true;
        }
        if (data.toString().contains(noteText)) {
            return true;
        }
        return "ticket-read".equals(type) && data.path("messageId").asLong() == noteId
                || data.path("message").path("id").asLong() == noteId
                || data.path("ticket").path("lastMessage").path("id").asLong() == noteId;
    }

    private static boolean carriesNote(String type, JsonNode data, long noteId) {
        return "new-message".equals(type) && data.path("message").path("id").asLong() == noteId
                && data.path("message").path("internal").asBoolean(false);
    }

    private static boolean carriesNoteRead(String type, JsonNode data, long noteId) {
        return "ticket-read".equals(type) && data.path("messageId").asLong() == noteId;
    }

    @Test
    void internalNotesNeverReachAFarmerByAnyPathWhileAdminsSeeThemEverywhere() throws Exception {
        Cast c = new Cast();
        String t = c.ticketA;
        String noteText = "internal: farmer owes us " + UUID.randomUUID();
        String marker = marker();
        long latestBefore = assertJson(api.get("/api/admin/events/poll", c.admin), 200).get("next").asLong();

        List<SseClient> farmerStreams = new ArrayList<>();
        List<SseClient> adminStreams = new ArrayList<>();
        try {
            farmerStreams.add(SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.a));
            farmerStreams.add(SseClient.open(api.base(), "/api/farmers/" + c.aId + "/events", c.a));
            adminStreams.add(SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.admin));
            adminStreams.add(SseClient.open(api.base(), "/api/farmers/" + c.aId + "/events", c.admin));
            adminStreams.add(SseClient.open(api.base(), "/api/admin/events", c.admin));
            for (SseClient s : farmerStreams) {
                assertEquals(200, s.status());
            }
            for (SseClient s : adminStreams) {
                assertEquals(200, s.status());
            }

            // the note, an admin reading it (a read of a note is itself admin-only), then a public marker
            JsonNode note = assertJson(api.post(messagesPath(t), c.admin,
                    "{\"text\":" + Api.quote(noteText) + ",\"internal\":true,\"clientId\":\"note-cid\"}"), 201);
            long noteId = note.get("id").asLong();
            assertTrue(note.get("internal").asBoolean());
            assertEquals(204, api.post("/api/tickets/" + t + "/read", c.admin, "{\"messageId\":" + noteId + "}").status());
            api.postMessage(c.admin, t, marker);

            for (SseClient s : farmerStreams) {
                for (SseClient.Event e : readUntilMarker(s, marker)) {
                    assertFalse(revealsNote(e.type(), e.json(), noteText, noteId), "live to a farmer: " + e);
                    assertFalse(e.json().path("ticket").has("unread"), "events carry no unread: " + e);
                }
            }
            for (SseClient s : adminStreams) {
                List<SseClient.Event> seen = readUntilMarker(s, marker);
                assertTrue(seen.stream().anyMatch(e -> carriesNote(e.type(), e.json(), noteId)), "admin sees the note: " + seen);
                assertTrue(seen.stream().anyMatch(e -> carriesNoteRead(e.type(), e.json(), noteId)), "admin sees its read: " + seen);
            }
        } finally {
            farmerStreams.forEach(SseClient::close);
            adminStreams.forEach(SseClient::close);
        }

        long noteId = findNoteId(c, noteText);

        // replay from the start: header and query forms
        for (String path : List.of("/api/tickets/" + t + "/events", "/api/farmers/" + c.aId + "/events")) {
            try (SseClient s = SseClient.open(api.base(), path, c.a, "Last-Event-ID", "0");
                 SseClient q = SseClient.open(api.base(), path + "?lastEventId=0", c.a);
                 SseClient admin = SseClient.open(api.base(), path, c.admin, "Last-Event-ID", "0")) {
                for (SseClient stream : List.of(s, q)) {
                    assertEquals(200, stream.status());
                    List<SseClient.Event> replay = readUntilMarker(stream, marker);
                    assertTrue(replay.stream().anyMatch(e -> "ticket-created".equals(e.type())), "a real replay: " + replay);
                    for (SseClient.Event e : replay) {
                        assertFalse(revealsNote(e.type(), e.json(), noteText, noteId), "replayed to a farmer: " + e);
                    }
                }
                List<SseClient.Event> adminReplay = readUntilMarker(admin, marker);
                assertTrue(adminReplay.stream().anyMatch(e -> carriesNote(e.type(), e.json(), noteId)));
                assertTrue(adminReplay.stream().anyMatch(e -> carriesNoteRead(e.type(), e.json(), noteId)));
            }
        }

        // long-polls, from the start and from just before the note
        for (String poll : List.of("/api/tickets/" + t + "/events/poll", "/api/farmers/" + c.aId + "/events/poll")) {
            for (long after : new long[] {0, latestBefore}) {
                for (ApiAsserts.Polled p : pollUntilMarker(api, poll, c.a, after, marker)) {
                    assertFalse(revealsNote(p.type(), p.data(), noteText, noteId), "polled by a farmer: " + p);
                }
                List<ApiAsserts.Polled> adminPolled = pollUntilMarker(api, poll, c.admin, after, marker);
                assertTrue(adminPolled.stream().anyMatch(p -> carriesNote(p.type(), p.data(), noteId)));
                assertTrue(adminPolled.stream().anyMatch(p -> carriesNoteRead(p.type(), p.data(), noteId)));
            }
        }
        List<ApiAsserts.Polled> adminAll = pollUntilMarker(api, "/api/admin/events/poll", c.admin, latestBefore, marker);
        assertTrue(adminAll.stream().anyMatch(p -> carriesNote(p.type(), p.data(), noteId)));

        // REST: the ticket's messages, the list's lastMessage, unread
        JsonNode farmerView = assertJson(api.get("/api/tickets/" + t, c.a), 200);
        assertFalse(farmerView.toString().contains(noteText), farmerView.toString());
        for (JsonNode m : farmerView.get("messages")) {
            assertFalse(m.get("internal").asBoolean());
            assertTrue(m.get("id").asLong() != noteId);
        }
        assertEquals(marker, farmerView.at("/lastMessage/text").asText());
        assertEquals(1, farmerView.get("unread").asInt(), "the marker only; the note is not unread for a farmer");
        JsonNode before = assertJson(api.get("/api/tickets/" + t + "?before=" + (noteId + 1), c.a), 200);
        assertFalse(before.toString().contains(noteText));
        JsonNode farmerList = assertJson(api.get("/api/tickets", c.a), 200);
        assertFalse(farmerList.toString().contains(noteText), farmerList.toString());
        JsonNode farmerListed = farmerList.get("tickets").get(0);
        assertEquals(t, farmerListed.get("id").asText());
        assertEquals(marker, farmerListed.at("/lastMessage/text").asText());

        JsonNode adminView = assertJson(api.get("/api/tickets/" + t, c.admin), 200);
        assertTrue(adminView.toString().contains(noteText));
        boolean found = false;
        for (JsonNode m : adminView.get("messages")) {
            found |= m.get("id").asLong() == noteId && m.get("internal").asBoolean();
        }
        assertTrue(found, "the admin sees the note in the ticket's messages");
        assertTrue(assertJson(api.get("/api/tickets/" + t + "?before=" + (noteId + 1), c.admin), 200)
                .toString().contains(noteText));

        // a farmer cannot fish for the note by its clientId, nor mark it read
        Api.Answer fishing = api.post(messagesPath(t), c.a, messageBody("guess", "note-cid"));
        assertFalse(fishing.body().contains(noteText), fishing.toString());
        assertTrue(fishing.status() >= 400, fishing.toString());
        assertProblem(fishing, fishing.status());
        Api.Answer readNote = api.post("/api/tickets/" + t + "/read", c.a, "{\"messageId\":" + noteId + "}");
        assertProblem(readNote, 400);
        assertFalse(readNote.body().contains(noteText));
    }

    private long findNoteId(Cast c, String noteText) {
        for (JsonNode m : assertJson(api.get("/api/tickets/" + c.ticketA, c.admin), 200).get("messages")) {
            if (noteText.equals(m.get("text").asText())) {
                return m.get("id").asLong();
            }
        }
        throw new AssertionError("note not found");
    }

    @Test
    void aFarmerStreamCarriesOnlyThatFarmersTicketsAndTheAdminStreamCarriesAll() throws Exception {
        Cast c = new Cast();
        String secretOfB = "B's private words " + UUID.randomUUID();
        String markerA = marker();
        String markerB = marker();
        try (SseClient aStream = SseClient.open(api.base(), "/api/farmers/" + c.aId + "/events", c.a);
             SseClient aTicketStream = SseClient.open(api.base(), "/api/tickets/" + c.ticketA + "/events", c.a);
             SseClient bStream = SseClient.open(api.base(), "/api/farmers/" + c.bId + "/events", c.b);
             SseClient adminStream = SseClient.open(api.base(), "/api/admin/events", c.admin)) {
            String newB = api.createTicket(c.b, "B again", secretOfB);
            api.postMessage(c.b, c.ticketB, secretOfB);
            api.patch("/api/tickets/" + c.ticketB, c.admin, "{\"status\":\"pending\"}");
            api.postMessage(c.a, c.ticketA, markerA);
            api.postMessage(c.b, newB, markerB);

            for (SseClient s : List.of(aStream, aTicketStream)) {
                for (SseClient.Event e : readUntilMarker(s, markerA)) {
                    assertFalse(e.data().contains(secretOfB), "B's event on A's stream: " + e);
                    assertFalse(e.data().contains(c.ticketB), "B's event on A's stream: " + e);
                    assertFalse(e.data().contains(newB), "B's event on A's stream: " + e);
                }
            }
            List<SseClient.Event> onB = readUntilMarker(bStream, markerB);
            assertTrue(onB.stream().anyMatch(e -> e.data().contains(secretOfB)));
            assertTrue(onB.stream().noneMatch(e -> e.data().contains(markerA)), "A's message on B's stream");
            List<SseClient.Event> all = readUntilMarker(adminStream, markerB);
            assertTrue(all.stream().anyMatch(e -> e.data().contains(markerA)));
            assertTrue(all.stream().anyMatch(e -> "ticket-created".equals(e.type()) && e.data().contains(newB)));
            assertTrue(all.stream().anyMatch(e -> "ticket-updated".equals(e.type()) && e.data().contains(c.ticketB)));
        }
        // B's polls skip A's events silently
        for (ApiAsserts.Polled p : pollUntilMarker(api, "/api/farmers/" + c.bId + "/events/poll", c.b, 0, markerB)) {
            assertFalse(p.data().toString().contains(c.ticketA), p.toString());
        }
    }

    @Test
    void readMarksReachBothSidesAndTypingReachesOthersButNotTheTypist() throws Exception {
        Cast c = new Cast();
        String t = c.ticketA;
        try (SseClient farmer = SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.a);
             SseClient admin = SseClient.open(api.base(), "/api/tickets/" + t + "/events", c.admin);
             SseClient other = SseClient.open(api.base(), "/api/farmers/" + c.bId + "/events", c.b)) {
            long reply = api.postMessage(c.admin, t, "reply").get("id").asLong();
            assertEquals(204, api.post("/api/tickets/" + t + "/read", c.a, "{\"messageId\":" + reply + "}").status());
            assertEquals(204, api.post("/api/tickets/" + t + "/read", c.admin, "{\"messageId\":" + c.firstA + "}").status());
            assertEquals(204, api.post("/api/tickets/" + t + "/typing", c.a, null).status());
            assertProblem(api.post("/api/tickets/" + t + "/typing", c.b, null), 404);
            String marker = marker();
            api.postMessage(c.admin, t, marker);

            List<SseClient.Event> onFarmer = readUntilMarker(farmer, marker);
            List<SseClient.Event> onAdmin = readUntilMarker(admin, marker);
            for (List<SseClient.Event> seen : List.of(onFarmer, onAdmin)) {
                assertTrue(seen.stream().anyMatch(e -> "ticket-read".equals(e.type())
                        && "farmer".equals(e.json().get("readerRole").asText())
                        && e.json().get("messageId").asLong() == reply), "the farmer's read: " + seen);
                assertTrue(seen.stream().anyMatch(e -> "ticket-read".equals(e.type())
                        && "admin".equals(e.json().get("readerRole").asText())
                        && e.json().get("messageId").asLong() == c.firstA), "the admin's read: " + seen);
            }
            assertTrue(onFarmer.stream().noneMatch(e -> "typing".equals(e.type())), "not to the typist: " + onFarmer);
            SseClient.Event typing = onAdmin.stream().filter(e -> "typing".equals(e.type())).findFirst()
                    .orElseThrow(() -> new AssertionError("typing did not reach the admin: " + onAdmin));
            assertEquals(null, typing.id(), "typing has no id line");
            assertEquals(t, typing.json().get("ticketId").asText());
            assertEquals("farmer", typing.json().get("role").asText());

            // B's own stream got none of it; B's later marker arrives alone
            String markerB = marker();
            api.postMessage(c.b, c.ticketB, markerB);
            for (SseClient.Event e : readUntilMarker(other, markerB)) {
                assertFalse(e.data().contains(t), "A's events on B's stream: " + e);
            }
        }
    }
}
