package farmdesk.streams;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Resumes and polls from further back than the recent-events memory holds (FARMDESK_RECENT_EVENTS_BYTES)
 * are answered from the log: the same events, in order, once, whatever the budget.
 */
@FarmdeskServer
class OlderThanMemoryTest {

    @Test
    void withNothingInMemoryEverythingComesFromTheLog(Servers servers) throws Exception {
        resumesAndPollsOlderThanMemoryReadTheLog(servers, 0);
    }

    @Test
    void withAFewEventsInMemoryTheOlderOnesComeFromTheLog(Servers servers) throws Exception {
        resumesAndPollsOlderThanMemoryReadTheLog(servers, 2_000);
    }

    private static void resumesAndPollsOlderThanMemoryReadTheLog(Servers servers, int budget) throws Exception {
        Farmdesk app = servers.start(settings -> settings.recentEventsBytes(budget));
        Api api = new Api(app.port());
        String farmer = api.farmer("F-old");
        String admin = api.admin("A-old");
        String ticket = api.createTicket(farmer, "old", "start");
        long from = api.get("/api/admin/events/poll", admin).json().get("next").asLong();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add("message " + i + " " + "x".repeat(100));
            api.postMessage(i % 2 == 0 ? farmer : admin, ticket, texts.get(i));
        }
        List<String> polled = new ArrayList<>();
        long next = from;
        for (int page = 0; page < 30 && polled.size() < texts.size(); page++) {
            JsonNode answer = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + next, farmer).json();
            answer.get("events").forEach(e -> polled.add(e.at("/data/message/text").asText()));
            next = answer.get("next").asLong();
        }
        assertEquals(texts, polled, "poll after an id older than memory");
        try (SseClient s = SseClient.open(api.base(), "/api/farmers/F-old/events", farmer,
                "Last-Event-ID", Long.toString(from))) {
            long last = from;
            for (String text : texts) {
                SseClient.Event e = s.next();
                assertEquals(text, e.json().at("/message/text").asText());
                assertEquals(true, e.numericId() > last);
                last = e.numericId();
            }
            api.postMessage(admin, ticket, "live");
            assertEquals("live", s.next().json().at("/message/text").asText(), "then live");
        }
    }
}
