package farmdesk.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.AgedH2File;
import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.TestPostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A post answered 201 survives SIGKILL on an H2 file that has lived (issue 10, item 0): the file kept
 * in src/test/resources/aged-h2/ lost every such post before the fix, and the next post got the lost
 * message and event ids again. Each round posts, kills the server at once after the 201, starts it
 * again, and checks that the message and its event are stored and that the next ids are larger.
 */
class AgedH2FileKillTest {

    private static final Tokens TOKENS = new Tokens(TestSettings.SECRET.getBytes(StandardCharsets.UTF_8));

    /** {@code after}: the newest id before the post, an id the log holds to look the event up from. */
    private record Posted(String ticket, long messageId, long eventId, String text, long after) {
    }

    @Test
    void anAcknowledgedPostSurvivesKillOnAnAgedFileAndItsIdsAreNeverHandedOutAgain(@TempDir Path dir) {
        assumeFalse(TestPostgres.selected(), "H2 files only: it runs in the H2 execution of the suite (CI runs both)");
        String url = AgedH2File.copy(AgedH2File.REPRO, dir);
        String admin = TOKENS.mint("A-aged", Role.ADMIN, "Aged admin", Duration.ofHours(1));
        List<Posted> posted = new ArrayList<>();

        try (ServerProcess server = new ServerProcess(url, null, dir.resolve("server.log"), Map.of())) {
            server.start();
            Api api = new Api(server.port());
            JsonNode list = api.get("/api/tickets", admin).json();
            assertTrue(list.get("tickets").size() > 0, "the aged file has tickets: " + list);
            String ticket = list.get("tickets").get(0).get("id").asText();

            for (int round = 1; round <= 3; round++) {
                Posted p = post(api, admin, ticket, "survives kill #" + round);
                if (!posted.isEmpty()) {
                    Posted before = posted.getLast();
                    assertTrue(p.messageId() > before.messageId(),
                            "message id " + p.messageId() + " handed out again (before the kill: " + before.messageId() + ")");
                    assertTrue(p.eventId() > before.eventId(),
                            "event id " + p.eventId() + " handed out again (before the kill: " + before.eventId() + ")");
                }
                posted.add(p);

                server.kill(); // at once after the 201: no grace, no shutdown hook
                server.start();

                for (Posted q : posted) {
                    assertStored(api, admin, q);
                }
            }
        }
    }

    /** Posts a message (201) and finds its event in the ticket's log. */
    private static Posted post(Api api, String admin, String ticket, String text) {
        long before = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0", admin).json().get("next").asLong();
        long messageId = api.postMessage(admin, ticket, text).get("id").asLong();
        JsonNode event = eventOf(api, admin, ticket, before, messageId);
        if (event == null) {
            throw new AssertionError("no event for message " + messageId + " right after its 201");
        }
        return new Posted(ticket, messageId, event.get("id").asLong(), text, before);
    }

    private static void assertStored(Api api, String admin, Posted p) {
        Api.Answer t = api.get("/api/tickets/" + p.ticket(), admin);
        assertEquals(200, t.status(), t.toString());
        boolean found = false;
        for (JsonNode m : t.json().get("messages")) {
            found |= m.get("id").asLong() == p.messageId() && m.get("text").asText().equals(p.text());
        }
        assertTrue(found, "message " + p.messageId() + " (\"" + p.text() + "\", answered 201) is gone after kill -9");
        // from an id the log holds: eventId - 1 may be no event's id (ids jump at a start), which is a reset
        JsonNode event = eventOf(api, admin, p.ticket(), p.after(), p.messageId());
        assertTrue(event != null && event.get("id").asLong() == p.eventId(),
                "event " + p.eventId() + " of message " + p.messageId() + " is gone after kill -9: " + event);
    }

    /** The new-message event of {@code messageId} among the ticket's events after {@code after}, or null. */
    private static JsonNode eventOf(Api api, String admin, String ticket, long after, long messageId) {
        Api.Answer a = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + after, admin);
        assertEquals(200, a.status(), a.toString());
        for (JsonNode e : a.json().get("events")) {
            if (e.get("type").asText().equals("new-message") && e.at("/data/message/id").asLong() == messageId) {
                return e;
            }
        }
        return null;
    }
}
