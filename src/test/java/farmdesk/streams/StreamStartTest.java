package farmdesk.streams;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stream opened without a resume id starts "from now": the start point is taken before anything is
 * written, so an event committed once the client has seen the stream open is sent to it.
 */
@FarmdeskServer
class StreamStartTest {

    private final Api api;

    @ServerSettings
    static void settings(Settings.Builder settings) {
        // heartbeats far apart: only events wake the stream
        settings.heartbeat(Duration.ofHours(1));
    }

    StreamStartTest(Api api) {
        this.api = api;
    }

    @AfterEach
    void noHook() {
        SseStream.afterOpening = spec -> { };
    }

    @Test
    void anEventCommittedRightAfterTheStreamOpenedIsSent() throws Exception {
        String farmer = api.farmer("F-start");
        String admin = api.admin("A-start");
        String ticket = api.createTicket(farmer, "Start point", "hello");
        // in the window: the opening block is on the wire, the stream has not gone on yet
        SseStream.afterOpening = spec -> {
            if (spec.viewer().id().equals("A-start")) {
                api.postMessage(farmer, ticket, "right after the open");
            }
        };
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin)) {
            assertEquals(200, s.status());
            SseClient.Event e = s.next();
            assertEquals("new-message", e.type());
            assertEquals("right after the open", e.json().at("/message/text").asText());
        }
    }

    @Test
    void aStreamWithoutResumeIdDoesNotReplayWhatCameBefore() throws Exception {
        String farmer = api.farmer("F-start-2");
        String ticket = api.createTicket(farmer, "Start point", "before the stream");
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer)) {
            assertEquals(200, s.status());
            api.postMessage(farmer, ticket, "after the open");
            SseClient.Event e = s.next();
            assertEquals("after the open", e.json().at("/message/text").asText());
        }
    }
}
