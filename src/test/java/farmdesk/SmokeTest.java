package farmdesk;

import java.net.URI;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first thing a user does: log in, open a ticket, watch it arrive on the admin stream. */
@ServerTest
class SmokeTest {

    private static Farmdesk app;
    private final Api api;

    SmokeTest(URI uri) {
        this.api = new Api(uri.getPort());
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Farmdesk.create(TestSettings.inMemory());
        app.configure(server);
    }

    @AfterAll
    static void close() {
        app.close();
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
