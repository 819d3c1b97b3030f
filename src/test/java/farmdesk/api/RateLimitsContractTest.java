package farmdesk.api;

import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The posting rate and the stream quota (docs/api.md, "Precise rules"): 429 with Retry-After, each on its
 * own Farmdesk with the limit switched on.
 */
@FarmdeskServer
class RateLimitsContractTest {

    @Test
    void postingBeyondTheRateIs429WithRetryAfter(Servers servers) {
        Farmdesk limited = servers.start(settings -> settings.rateLimit(1));
        Api l = new Api(limited.port());
        String farmer = l.farmer("F-rate");
        String admin = l.admin("A-rate");
        String id = l.createTicket(farmer, "s", "t");
        long messageId = l.get("/api/tickets/" + id, admin).json().at("/messages/0/id").asLong();

        Api.Answer refused = null;
        int allowed = 0;
        for (int i = 0; i < 200 && refused == null; i++) {
            Api.Answer a = l.post("/api/tickets/" + id + "/typing", admin, null);
            if (a.status() == 429) {
                refused = a;
            } else {
                assertEquals(204, a.status(), a.toString());
                allowed++;
            }
        }
        assertNotNull(refused, "no 429 after 200 calls at 1 per second");
        assertTrue(allowed >= 2, "the burst (2x the rate) is allowed first, got " + allowed);
        assertProblem(refused, 429);
        String retryAfter = refused.header("Retry-After");
        assertNotNull(retryAfter, "429 carries Retry-After");
        assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);

        // one budget for every posting call of that user
        assertProblem(l.post(messagesPath(id), admin, messageBody("x")), 429);
        assertProblem(l.patch("/api/tickets/" + id, admin, "{\"priority\":\"high\"}"), 429);
        assertProblem(l.post("/api/tickets/" + id + "/read", admin, "{\"messageId\":" + messageId + "}"), 429);
        // reads are not limited, and other users have their own budget
        assertJson(l.get("/api/tickets/" + id, admin), 200);
        assertJson(l.post(messagesPath(id), farmer, messageBody("still fine")), 201);
        assertEquals(2, l.get("/api/tickets/" + id, admin).json().get("messages").size());
        assertEquals("normal", l.get("/api/tickets/" + id, admin).json().get("priority").asText());
    }

    @Test
    void streamsAndPollsBeyondTheQuotaAre429(Servers servers) throws Exception {
        Farmdesk limited = servers.start(settings -> settings.streamsPerUser(2));
        Api l = new Api(limited.port());
        String admin = l.admin("A-quota");
        String farmer = l.farmer("F-quota");
        String id = l.createTicket(farmer, "s", "t");
        // finished polls give their slot back
        for (int i = 0; i < 5; i++) {
            assertJson(l.get("/api/admin/events/poll?after=0&timeout=0", admin), 200);
        }
        try (SseClient s1 = SseClient.open(l.base(), "/api/admin/events", admin);
             SseClient s2 = SseClient.open(l.base(), "/api/tickets/" + id + "/events", admin)) {
            assertEquals(200, s1.status());
            assertEquals(200, s2.status());
            Api.Answer third = l.send("GET", "/api/farmers/F-quota/events", admin, null,
                    new String[] {"Accept", "text/event-stream"});
            assertProblem(third, 429);
            assertNotNull(third.header("Retry-After"));
            assertProblem(l.get("/api/admin/events/poll?after=0&timeout=0", admin), 429);
            assertProblem(l.get("/api/tickets/" + id + "/events/poll?after=0&timeout=0", admin), 429);
            // per user: the farmer still has slots
            assertJson(l.get("/api/tickets/" + id + "/events/poll?after=0&timeout=0", farmer), 200);
            try (SseClient mine = SseClient.open(l.base(), "/api/farmers/F-quota/events", farmer)) {
                assertEquals(200, mine.status());
            }
        }
    }
}
