package farmdesk.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ticket's {@code lastMessage} carries a preview of at most 200 characters (code points), in events and
 * in REST answers alike: a 4,000-character message is not repeated whole in every ticket summary.
 */
@FarmdeskServer
class LastMessagePreviewTest {

    private static final int PREVIEW = 200;

    private final Api api;

    LastMessagePreviewTest(Api api) {
        this.api = api;
    }

    private static String firstCodePoints(String s, int n) {
        return s.substring(0, s.offsetByCodePoints(0, n));
    }

    private static void assertPreviewOf(String full, JsonNode lastMessage, String where) {
        String text = lastMessage.get("text").asText();
        assertTrue(text.codePointCount(0, text.length()) <= PREVIEW, where + ": " + text.length() + " chars");
        assertEquals(firstCodePoints(full, PREVIEW), text, where);
        assertFalse(Character.isHighSurrogate(text.charAt(text.length() - 1)), where + ": a surrogate pair was split");
    }

    @Test
    void eventsAndRestCarryAPreviewOfTheLastMessageAndTheMessageWhole() {
        String farmer = api.farmer("F-preview");
        String admin = api.admin("A-preview");
        long before = api.get("/api/admin/events/poll", admin).json().get("next").asLong();
        // control characters (6 bytes each in JSON), and a surrogate pair where the preview ends
        String opening = "a" + "\u0001".repeat(3_998) + "z";
        String answer = "b" + "\ud83d\ude00".repeat(3_999);
        String ticket = api.createTicket(farmer, "long", opening);
        Api.Answer posted = api.post("/api/tickets/" + ticket + "/messages", admin, "{\"text\":" + Api.quote(answer) + "}");
        assertEquals(201, posted.status(), posted.toString());
        assertEquals(answer, posted.json().get("text").asText(), "the message itself is whole");

        List<JsonNode> events = new ArrayList<>();
        api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + before, admin).json().get("events")
                .forEach(events::add);
        assertEquals(List.of("ticket-created", "new-message", "new-message"),
                events.stream().map(e -> e.get("type").asText()).toList());
        assertPreviewOf(opening, events.get(0).at("/data/ticket/lastMessage"), "ticket-created");
        assertEquals(opening, events.get(1).at("/data/message/text").asText(), "new-message carries the message whole");
        assertPreviewOf(opening, events.get(1).at("/data/ticket/lastMessage"), "first new-message");
        assertEquals(answer, events.get(2).at("/data/message/text").asText());
        assertPreviewOf(answer, events.get(2).at("/data/ticket/lastMessage"), "the admin's 4,000-character answer");

        JsonNode one = api.get("/api/tickets/" + ticket, farmer).json();
        assertPreviewOf(answer, one.get("lastMessage"), "GET ticket");
        assertEquals(answer, one.at("/messages/1/text").asText(), "GET ticket: messages are whole");
        JsonNode listed = api.get("/api/tickets", farmer).json().at("/tickets/0");
        assertEquals(ticket, listed.get("id").asText());
        assertPreviewOf(answer, listed.get("lastMessage"), "GET tickets");
    }

    @Test
    void aShortLastMessageIsWhole() {
        String farmer = api.farmer("F-preview-short");
        String exactly = "\ud83c\udf3e".repeat(PREVIEW);
        String ticket = api.createTicket(farmer, "short", exactly);
        assertEquals(exactly, api.get("/api/tickets/" + ticket, farmer).json().at("/lastMessage/text").asText());
    }
}
