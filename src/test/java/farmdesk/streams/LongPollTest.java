package farmdesk.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long-polling: same ids, order and visibility as SSE; immediate, held and woken answers. */
@FarmdeskServer
class LongPollTest {

    private final Api api;
    private final Farmdesk app;

    LongPollTest(Api api, Farmdesk app) {
        this.api = api;
        this.app = app;
    }

    @Test
    void withoutAfterItAnswersAtOnceWithTheLatestId() {
        String admin = api.admin("A-poll-1");
        String farmer = api.farmer("F-poll-1");
        api.createTicket(farmer, "Poll", "start");
        JsonNode answer = api.get("/api/admin/events/poll", admin).json();
        assertEquals(0, answer.get("events").size());
        long latest = answer.get("next").asLong();
        assertTrue(latest >= 2);
        // the farmer's own poll without after also gets the latest id of the whole log
        assertEquals(latest, api.get("/api/farmers/F-poll-1/events/poll", farmer).json().get("next").asLong());
    }

    @Test
    void answersAtOnceWhenEventsExistInOrderAndInBatches() {
        String farmer = api.farmer("F-poll-2");
        String admin = api.admin("A-poll-2");
        String ticket = api.createTicket(farmer, "Batch", "first");
        long start = latest(admin);
        for (int i = 0; i < 120; i++) {
            api.postMessage(admin, ticket, "m" + i);
        }
        List<String> texts = new ArrayList<>();
        long after = start;
        int answers = 0;
        while (texts.size() < 120) {
            JsonNode a = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + after, farmer).json();
            JsonNode events = a.get("events");
            assertTrue(events.size() <= 100, "at most 100 per answer");
            for (JsonNode e : events) {
                assertTrue(e.get("id").asLong() > after);
                assertEquals("new-message", e.get("type").asText());
                texts.add(e.at("/data/message/text").asText());
                after = e.get("id").asLong();
            }
            assertEquals(after, a.get("next").asLong(), "next is the id of the last event returned");
            answers++;
        }
        assertEquals(2, answers);
        for (int i = 0; i < 120; i++) {
            assertEquals("m" + i, texts.get(i));
        }
    }

    @Test
    void aHeldPollWithNothingNewAnswersEmptyWithNextEqualToAfter() {
        String admin = api.admin("A-poll-3");
        long latest = latest(admin);
        JsonNode a = api.get("/api/admin/events/poll?timeout=1&after=" + latest, admin).json();
        assertEquals(0, a.get("events").size());
        assertEquals(latest, a.get("next").asLong());
    }

    @Test
    void aHeldPollWakesUpOnAPost() throws Exception {
        String farmer = api.farmer("F-poll-4");
        String admin = api.admin("A-poll-4");
        String ticket = api.createTicket(farmer, "Wake", "up");
        long latest = latest(admin);
        CompletableFuture<Api.Answer> held = CompletableFuture.supplyAsync(() ->
                api.get("/api/farmers/F-poll-4/events/poll?timeout=30&after=" + latest, farmer));
        // the poll is held until something happens; wait until the server counts it as held
        while (app.metrics().openPolls("farmer") == 0) {
            Thread.onSpinWait();
            Thread.sleep(5);
        }
        assertFalse(held.isDone());
        api.postMessage(admin, ticket, "wake up");
        JsonNode a = held.get().json();
        assertEquals(1, a.get("events").size());
        assertEquals("wake up", a.at("/events/0/data/message/text").asText());
        assertEquals(a.at("/events/0/id").asLong(), a.get("next").asLong());
    }

    @Test
    void pollsSkipWhatTheViewerMayNotSeeAndNeverCarryTyping() {
        String farmer = api.farmer("F-poll-5");
        String admin = api.admin("A-poll-5");
        String ticket = api.createTicket(farmer, "Notes", "hi");
        long latest = latest(admin);
        api.post("/api/tickets/" + ticket + "/messages", admin, "{\"text\":\"secret note\",\"internal\":true}");
        api.post("/api/tickets/" + ticket + "/typing", admin, null);
        api.postMessage(admin, ticket, "public reply");
        JsonNode a = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + latest, farmer).json();
        assertEquals(1, a.get("events").size(), a.toString());
        assertEquals("public reply", a.at("/events/0/data/message/text").asText());
        JsonNode forAdmin = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + latest, admin).json();
        assertEquals(2, forAdmin.get("events").size(), forAdmin.toString());
        assertEquals("secret note", forAdmin.at("/events/0/data/message/text").asText());
    }

    @Test
    void switchingBetweenSseAndPollLosesAndRepeatsNothing() throws Exception {
        String farmer = api.farmer("F-poll-6");
        String admin = api.admin("A-poll-6");
        String ticket = api.createTicket(farmer, "Switch", "start");
        long last = latest(admin);
        List<String> seen = new ArrayList<>();
        int n = 0;
        for (int round = 0; round < 6; round++) {
            api.postMessage(admin, ticket, "r" + n++);
            api.postMessage(admin, ticket, "r" + n++);
            if (round % 2 == 0) {
                try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer,
                        "Last-Event-ID", Long.toString(last))) {
                    for (int i = 0; i < 2; i++) {
                        SseClient.Event e = s.next();
                        assertTrue(e.numericId() > last);
                        last = e.numericId();
                        seen.add(e.json().at("/message/text").asText());
                    }
                }
            } else {
                JsonNode a = api.get("/api/tickets/" + ticket + "/events/poll?timeout=5&after=" + last, farmer).json();
                for (JsonNode e : a.get("events")) {
                    assertTrue(e.get("id").asLong() > last);
                    last = e.get("id").asLong();
                    seen.add(e.at("/data/message/text").asText());
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("r" + i);
        }
        assertEquals(expected, seen);
    }

    @Test
    void badPollParametersAreRefused() {
        String admin = api.admin("A-poll-7");
        for (String q : List.of("after=abc", "after=-5", "after=1&timeout=x", "after=1&timeout=-1",
                "after=%2B5", "after=%D9%A5", "after=%EF%BC%95", "after=1&timeout=%2B5", "after=1&timeout=%EF%BC%95")) {
            Api.Answer a = api.get("/api/admin/events/poll?" + q, admin);
            assertEquals(400, a.status(), q);
            assertEquals("application/problem+json", a.contentType(), q);
        }
    }

    @Test
    void aTimeoutWithLeadingZerosIsItsNumberOfSeconds() throws Exception {
        String admin = api.admin("A-poll-8");
        long latest = latest(admin);
        // "000" is 0 s: an answer at once (it was taken for "longer than two characters", 30 s)
        Api.Answer a = CompletableFuture.supplyAsync(() ->
                api.get("/api/admin/events/poll?timeout=000&after=" + latest, admin)).get(15, TimeUnit.SECONDS);
        assertEquals(200, a.status());
        assertEquals(0, a.json().get("events").size());
        assertEquals(latest, a.json().get("next").asLong());
    }

    @Test
    void anAfterBeyondTheLogGetsAResetHoweverLargeItIs() {
        String admin = api.admin("A-poll-9");
        api.createTicket(api.farmer("F-poll-9"), "Reset", "hi");
        long latest = latest(admin);
        for (String after : List.of(Long.toString(latest + 1), "99999999999999999999", "00099999999999999999999999")) {
            Api.Answer a = api.get("/api/admin/events/poll?timeout=0&after=" + after, admin);
            assertEquals(200, a.status(), after + ": " + a);
            JsonNode reset = a.json().get("events").get(0);
            assertEquals("reset", reset.get("type").asText());
            assertEquals(latest, reset.at("/data/latest").asLong());
            assertEquals(latest, a.json().get("next").asLong(), "next is the latest id: the poll resumes from there");
        }
    }

    private long latest(String adminToken) {
        return api.get("/api/admin/events/poll", adminToken).json().get("next").asLong();
    }
}
