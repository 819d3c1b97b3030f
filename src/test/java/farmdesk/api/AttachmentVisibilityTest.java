package farmdesk.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messagesPath;
import static farmdesk.api.ApiAsserts.pollUntilMarker;
import static farmdesk.api.ApiAsserts.readUntilMarker;
import static farmdesk.api.Attaching.body;
import static farmdesk.api.Attaching.jpeg;
import static farmdesk.api.Attaching.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An attachment has exactly the visibility of its message (docs/api.md, "Attachments"), by every path: the
 * file and its thumbnail, REST, SSE live and replayed, polls. Another farmer and a farmer facing an internal
 * note get 404 and never see the attachment anywhere; an upload attached to nothing is 404 even for its owner.
 */
class AttachmentVisibilityTest extends TicketsContractBase {

    private void assertNotFound(String id, String token) {
        String stream = assertJson(api.post("/api/stream-token", token, null), 200).get("token").asText();
        for (String path : new String[] {"/api/attachments/" + id, "/api/attachments/" + id + "/thumbnail"}) {
            assertProblem(api.get(path, token), 404);
            assertProblem(api.get(path + "?access_token=" + URLEncoder.encode(stream, StandardCharsets.UTF_8), null), 404);
        }
    }

    @Test
    void anotherFarmerGets404AndNeverTheMessage() throws Exception {
        String ownerId = uniqueFarmer();
        String owner = api.farmer(ownerId);
        String strangerId = uniqueFarmer();
        String stranger = api.farmer(strangerId);
        String ticket = api.createTicket(owner, "s", "t");
        String photo = upload(api, owner, jpeg(70), "private.jpg");
        assertJson(api.post(messagesPath(ticket), owner, body("mine", photo)), 201);

        assertEquals(200, api.download("/api/attachments/" + photo, owner).statusCode());
        assertNotFound(photo, stranger);
        assertProblem(api.get("/api/tickets/" + ticket, stranger), 404);
        assertEquals(0, assertJson(api.get("/api/tickets", stranger), 200).get("tickets").size());
        // the stranger's own stream and poll, from the start of the log, up to a marker of theirs
        String own = api.createTicket(stranger, "s", "t");
        api.postMessage(stranger, own, "stranger marker");
        List<ApiAsserts.Polled> polled = pollUntilMarker(api, "/api/farmers/" + strangerId + "/events/poll", stranger, 0,
                "stranger marker");
        polled.forEach(p -> assertFalse(p.data().toString().contains(photo), "leaked by a poll: " + p));
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/" + strangerId + "/events", stranger, "Last-Event-ID", "0")) {
            readUntilMarker(s, "stranger marker").forEach(e -> assertFalse(e.data().contains(photo), "leaked by a replay: " + e));
        }
    }

    @Test
    void anInternalNotesAttachmentIsAdminOnlyByEveryPath() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-vis");
        String ticket = api.createTicket(farmer, "s", "t");
        long before = assertJson(api.get("/api/tickets/" + ticket + "/events/poll", farmer), 200).get("next").asLong();
        String photo = upload(api, admin, jpeg(71), "internal.jpg");
        try (SseClient live = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer);
             SseClient adminLive = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin)) {
            assertEquals(200, live.status());
            JsonNode note = assertJson(api.post(messagesPath(ticket), admin,
                    "{\"text\":\"note\",\"internal\":true,\"attachments\":[\"" + photo + "\"]}"), 201);
            assertEquals(photo, note.at("/attachments/0/id").asText());
            api.postMessage(admin, ticket, "public marker");
            readUntilMarker(live, "public marker").forEach(e -> assertFalse(e.data().contains(photo), "live: " + e));
            assertEquals(photo, readUntilMarker(adminLive, "note").getLast().json().at("/message/attachments/0/id").asText());
        }
        assertNotFound(photo, farmer);
        assertEquals(200, api.download("/api/attachments/" + photo, admin).statusCode());
        assertEquals(200, api.download("/api/attachments/" + photo, api.admin("A-vis-2")).statusCode(), "any admin");

        assertFalse(assertJson(api.get("/api/tickets/" + ticket, farmer), 200).toString().contains(photo), "REST");
        assertEquals(photo, assertJson(api.get("/api/tickets/" + ticket, admin), 200).at("/messages/1/attachments/0/id").asText());
        pollUntilMarker(api, "/api/tickets/" + ticket + "/events/poll", farmer, before, "public marker")
                .forEach(p -> assertFalse(p.data().toString().contains(photo), "poll: " + p));
        try (SseClient replay = SseClient.open(api.base(), "/api/farmers/" + farmerId + "/events", farmer,
                "Last-Event-ID", Long.toString(before))) {
            readUntilMarker(replay, "public marker").forEach(e -> assertFalse(e.data().contains(photo), "replay: " + e));
        }
    }

    @Test
    void anUploadAttachedToNothingIs404EvenForItsOwner() {
        String farmer = api.farmer(uniqueFarmer());
        String photo = upload(api, farmer, jpeg(72), "loose.jpg");
        assertNotFound(photo, farmer);
        assertNotFound(photo, api.admin("A-loose"));
        assertNotFound("no-such-upload", api.admin("A-loose"));
        assertNotFound("%27%20OR%201%3D1", farmer);
    }
}
