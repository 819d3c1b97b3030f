package farmdesk.streams;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.SseClient;

import static farmdesk.streams.StreamLifecycleTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-user cap and reconnects: a client that vanished keeps its stream until a write fails (up to two
 * heartbeats), so at the cap its reconnect to the same stream takes the slot of the user's oldest stream
 * there (a native EventSource never retries a 429). Anything else at the cap is still 429.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the per-user stream cap is counted in memory
class StreamQuotaTest {

    private final Farmdesk app;
    private final Api api;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        // heartbeats an hour apart: a vanished client goes unnoticed for the whole test
        settings.heartbeat(Duration.ofHours(1)).streamsPerUser(2);
    }

    StreamQuotaTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @Test
    void aReconnectAtTheCapAfterTheClientVanishedGets200() throws Exception {
        String farmer = api.farmer("F-cap-1");
        String ticket = api.createTicket(farmer, "Cap", "hello");
        int others = app.metrics().openStreams("farmer"); // other tests' streams, unnoticed (no heartbeat)
        try (SseClient ticketStream = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer)) {
            SseClient vanished = SseClient.open(api.base(), "/api/farmers/F-cap-1/events", farmer);
            assertEquals(200, ticketStream.status());
            assertEquals(200, vanished.status());
            vanished.close(); // the client drops; the server writes nothing, so it does not notice
            assertEquals(others + 1, app.metrics().openStreams("farmer"));

            try (SseClient again = SseClient.open(api.base(), "/api/farmers/F-cap-1/events", farmer)) {
                assertEquals(200, again.status(), "the reconnect was refused: " + (again.status() == 200 ? "" : again.errorBody()));
                awaitCondition(() -> app.metrics().openStreams("farmer") == others + 1, "the vanished stream to end");
                // both streams that are left work
                api.postMessage(farmer, ticket, "still live");
                assertEquals("still live", again.next().json().at("/message/text").asText());
                assertEquals("still live", ticketStream.next().json().at("/message/text").asText());
            }
        }
    }

    @Test
    void theReplacedStreamEndsNormallyAndOtherStreamsAtTheCapAre429() throws Exception {
        String farmer = api.farmer("F-cap-2");
        String ticket = api.createTicket(farmer, "Cap", "hello");
        try (SseClient oldest = SseClient.open(api.base(), "/api/farmers/F-cap-2/events", farmer);
             SseClient newer = SseClient.open(api.base(), "/api/farmers/F-cap-2/events", farmer)) {
            assertEquals(200, oldest.status());
            assertEquals(200, newer.status());
            // a different stream at the cap: refused, nothing ended
            try (SseClient other = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer)) {
                assertEquals(429, other.status());
            }
            assertEquals(429, api.get("/api/farmers/F-cap-2/events/poll?timeout=0&after=0", farmer).status(),
                    "polls are retried by their clients: they take no stream's slot");
            try (SseClient third = SseClient.open(api.base(), "/api/farmers/F-cap-2/events", farmer)) {
                assertEquals(200, third.status());
                assertTrue(oldest.awaitEnd(Duration.ofSeconds(30)), "the oldest stream was ended to make room");
                assertTrue(!newer.ended(), "only the oldest");
            }
        }
    }
}
