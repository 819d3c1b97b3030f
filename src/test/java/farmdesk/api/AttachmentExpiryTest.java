package farmdesk.api;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messagesPath;
import static farmdesk.api.Attaching.body;
import static farmdesk.api.Attaching.jpeg;
import static farmdesk.api.Attaching.stored;
import static farmdesk.api.Attaching.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long attachments are kept (docs/api.md, "Attachments", "Kept how long"): a complete upload never
 * attached expires after its completion and the sweep removes it; an attached one is never removed, by the
 * upload sweep nor by event retention. H2 and PostgreSQL.
 */
@FarmdeskServer
class AttachmentExpiryTest {

    @Test
    void completeUploadsNeverAttachedExpireAndAttachedOnesStay(Servers servers) throws Exception {
        Farmdesk app = servers.start(s -> s.uploadExpiry(Duration.ofSeconds(1)).pruneEvery(Duration.ofMillis(100)));
        Api api = new Api(app.port());
        String farmer = api.farmer("F-expiry");
        String ticket = api.createTicket(farmer, "s", "t");

        String loose = upload(api, farmer, jpeg(80), "loose.jpg");
        // attached at once; should a slow machine let its second pass first, the next upload is attached
        String kept = null;
        for (int i = 0; kept == null && i < 20; i++) {
            String candidate = upload(api, farmer, jpeg(81 + i), "kept.jpg");
            Api.Answer a = api.post(messagesPath(ticket), farmer, body("kept", candidate));
            if (a.status() == 201) {
                kept = candidate;
            } else {
                assertProblem(a, 422, "no complete upload");
            }
        }
        assertTrue(kept != null, "one upload was attached within its second");
        byte[] keptBytes = stored(app, kept);
        String later = upload(api, farmer, jpeg(120), "later.jpg"); // completed after `kept`: expires after it

        awaitRemoved(app, loose);
        awaitRemoved(app, later); // so the sweep has run past the expiry of `kept` too
        assertEquals(0, stored(app, loose).length, "its bytes are gone");
        assertProblem(api.post(messagesPath(ticket), farmer, body("too late", loose)), 422, "attachments[0]");

        assertTrue(app.uploads().find(kept).isPresent(), "the attached upload stays");
        HttpResponse<byte[]> r = api.download("/api/attachments/" + kept, farmer);
        assertEquals(200, r.statusCode());
        assertArrayEquals(keptBytes, r.body());
        assertEquals(kept, assertJson(api.get("/api/tickets/" + ticket, farmer), 200).at("/messages/1/attachments/0/id").asText());
    }

    private static void awaitRemoved(Farmdesk app, String id) throws InterruptedException {
        for (int i = 0; i < 400 && app.uploads().find(id).isPresent(); i++) {
            Thread.sleep(50);
        }
        assertTrue(app.uploads().find(id).isEmpty(), "the sweep removed " + id);
    }

    @Test
    void eventRetentionNeverTouchesAttachments(Servers servers) throws Exception {
        Farmdesk app = servers.start(s -> { });
        Api api = new Api(app.port());
        String farmer = api.farmer("F-retention");
        String ticket = api.createTicket(farmer, "s", "t");
        String photo = upload(api, farmer, jpeg(90), "old.jpg");
        JsonNode posted = assertJson(api.post(messagesPath(ticket), farmer, body("old photo", photo)), 201);
        long first = assertJson(api.get("/api/farmers/F-retention/events/poll?after=0", farmer), 200)
                .at("/events/0/id").asLong();
        api.postMessage(farmer, ticket, "newest");

        long pruned = app.retention().pruneOnce(Instant.now().plus(Duration.ofDays(91)));
        assertTrue(pruned >= 3, "the photo's events are pruned: " + pruned);
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer,
                "Last-Event-ID", Long.toString(first))) {
            assertEquals("reset", s.next().type(), "a replay from a pruned id resets");
        }

        JsonNode messages = assertJson(api.get("/api/tickets/" + ticket, farmer), 200).get("messages");
        assertEquals(posted, messages.get(1), "the message keeps its attachment");
        HttpResponse<byte[]> r = api.download("/api/attachments/" + photo, farmer);
        assertEquals(200, r.statusCode());
        assertArrayEquals(stored(app, photo), r.body());
        assertTrue(Arrays.equals(stored(app, photo), r.body()) && r.body().length > 0);
        HttpResponse<byte[]> thumb = api.download("/api/attachments/" + photo + "/thumbnail", farmer);
        assertTrue(thumb.statusCode() == 200 || app.uploads().thumbnail(photo).isEmpty(),
                "the thumbnail is served whenever one was made");
    }
}
