package farmdesk;

import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first thing a user does: log in, open a ticket, watch it arrive on the admin stream. */
@FarmdeskServer
class SmokeTest {

    private final Api api;

    SmokeTest(Api api) {
        this.api = api;
    }

    @Test
    void ticketReachesTheAdminStream() throws Exception {
        String farmer = api.farmer("F-1");
        String admin = api.admin("A-1");
        try (SseClient stream = SseClient.open(api.base(), "/api/admin/events", admin)) {
            assertEquals(200, stream.status());
            assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
            String id = api.createTicket(farmer, "Seeds", "My seeds did not arrive");
            SseClient.Event created = stream.next();
            assertEquals("ticket-created", created.type());
            assertEquals(id, created.json().at("/ticket/id").asText());
            SseClient.Event message = stream.next();
            assertEquals("new-message", message.type());
            assertEquals("My seeds did not arrive", message.json().at("/message/text").asText());
            assertEquals(created.numericId() + 1, message.numericId());
        }
    }
}
