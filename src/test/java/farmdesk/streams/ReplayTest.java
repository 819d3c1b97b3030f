package farmdesk.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resuming a stream with Last-Event-ID: exactly the missed events, in order, also after a restart. */
@FarmdeskServer
class ReplayTest {

    private final Api api;

    ReplayTest(Api api) {
        this.api = api;
    }

    @Test
    void resumeFromAnOldIdReplaysExactlyTheMissedEventsThenGoesLive() throws Exception {
        String farmer = api.farmer("F-replay-1");
        String admin = api.admin("A-replay-1");
        String ticket = api.createTicket(farmer, "Tractor", "It does not start");
        long before = latestId(admin);
        List<String> texts = List.of("one", "two", "three");
        for (String t : texts) {
            api.postMessage(admin, ticket, t);
        }
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer,
                "Last-Event-ID", Long.toString(before))) {
            assertEquals(200, s.status());
            long last = before;
            for (String t : texts) {
                SseClient.Event e = s.next();
                assertEquals("new-message", e.type());
                assertEquals(t, e.json().at("/message/text").asText());
                assertTrue(e.numericId() > last, "ids increase");
                last = e.numericId();
            }
            api.postMessage(admin, ticket, "four");
            SseClient.Event live = s.next();
            assertEquals("four", live.json().at("/message/text").asText());
            assertTrue(live.numericId() > last);
        }
    }

    @Test
    void resumeFromTheNewestIdReplaysNothing() throws Exception {
        String farmer = api.farmer("F-replay-2");
        String ticket = api.createTicket(farmer, "Seeds", "Late");
        long newest = latestId(api.admin("A-replay-2"));
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events?lastEventId=" + newest, farmer)) {
            api.postMessage(farmer, ticket, "after newest");
            SseClient.Event e = s.next();
            assertEquals("after newest", e.json().at("/message/text").asText());
            assertEquals(newest + 1, e.numericId());
        }
    }

    @Test
    void theHeaderWinsOverTheQueryParameter() throws Exception {
        String farmer = api.farmer("F-replay-3");
        String ticket = api.createTicket(farmer, "Water", "Pump broken");
        long created = latestId(farmer, ticket) - 1; // ticket-created, then new-message
        try (SseClient s = SseClient.open(api.base(),
                "/api/tickets/" + ticket + "/events?lastEventId=0", farmer, "Last-Event-ID", Long.toString(created))) {
            SseClient.Event e = s.next();
            assertEquals("new-message", e.type(), "resumed after ticket-created, as the header said");
            assertEquals(created + 1, e.numericId());
        }
    }

    @Test
    void aResumeIdBeyondTheLogGetsAResetWithTheLatestIdAsItsId() throws Exception {
        String farmer = api.farmer("F-replay-4");
        String admin = api.admin("A-replay-4");
        String ticket = api.createTicket(farmer, "Reset", "hello");
        long newest = latestId(admin);
        // however large: an id too large for a number is beyond the log too
        for (String beyond : List.of(Long.toString(newest + 1000), "99999999999999999999", "000099999999999999999999999")) {
            String resumeId;
            try (SseClient s = SseClient.open(api.base(), "/api/admin/events", admin, "Last-Event-ID", beyond)) {
                assertEquals(200, s.status(), beyond);
                SseClient.Event e = s.next();
                assertEquals("reset", e.type());
                assertEquals(newest, e.json().get("latest").asLong());
                // the id line moves an EventSource's resume id to the latest: its reconnect gets no second reset
                assertEquals(Long.toString(newest), e.id(), "reset carries id: <latest>");
                resumeId = e.id();
            }
            try (SseClient again = SseClient.open(api.base(), "/api/admin/events", admin, "Last-Event-ID", resumeId)) {
                api.postMessage(admin, ticket, "after the reset " + beyond);
                SseClient.Event e = again.next();
                assertEquals("new-message", e.type(), "no second reset");
                assertEquals("after the reset " + beyond, e.json().at("/message/text").asText());
            }
            newest = latestId(admin);
        }
    }

    @Test
    void malformedResumeIdsAreRefused() throws Exception {
        String admin = api.admin("A-replay-5");
        // opened as streams (answered at the headers): one wrongly accepted stays open instead of hanging the test
        for (String bad : List.of("abc", "-1", "1.5", "+5", "1e3")) {
            try (SseClient s = SseClient.open(api.base(), "/api/admin/events", admin, "Last-Event-ID", bad)) {
                assertEquals(400, s.status(), bad);
                assertEquals("application/problem+json", s.header("Content-Type"));
            }
        }
        assertEquals(400, api.get("/api/admin/events?lastEventId=x", admin).status());
        assertEquals(400, api.get("/api/admin/events/poll?after=x", admin).status());
        // only ASCII digits: not a sign, not the digits of other scripts (Arabic-Indic five, full-width five)
        for (String bad : List.of("%2B5", "%D9%A5", "%EF%BC%95", "1%EF%BC%95")) {
            try (SseClient s = SseClient.open(api.base(), "/api/admin/events?lastEventId=" + bad, admin)) {
                assertEquals(400, s.status(), bad);
            }
            assertEquals(400, api.get("/api/admin/events/poll?timeout=0&after=" + bad, admin).status(), bad);
        }
    }

    @Test
    void resumeWorksAcrossAServerRestartOnAnH2File(@TempDir Path dir, Servers servers) throws Exception {
        var settings = TestSettings.file(dir);
        String ticket;
        long seen;
        { // the first run, stopped before the second starts on the same file
            Farmdesk first = servers.start(settings);
            Api a = new Api(first.port());
            String farmer = a.farmer("F-restart");
            ticket = a.createTicket(farmer, "Restart", "before the restart");
            seen = latestId(a, a.admin("A-restart"));
            a.postMessage(farmer, ticket, "missed 1");
            a.postMessage(farmer, ticket, "missed 2");
            servers.stop(first);
        }
        Farmdesk second = servers.start(settings);
        Api a = new Api(second.port());
        String farmer = a.farmer("F-restart");
        try (SseClient s = SseClient.open(a.base(), "/api/tickets/" + ticket + "/events", farmer,
                "Last-Event-ID", Long.toString(seen))) {
            List<String> got = new ArrayList<>();
            got.add(s.next().json().at("/message/text").asText());
            got.add(s.next().json().at("/message/text").asText());
            assertEquals(List.of("missed 1", "missed 2"), got);
            a.postMessage(farmer, ticket, "after restart");
            SseClient.Event live = s.next();
            assertEquals("after restart", live.json().at("/message/text").asText());
            // ids keep increasing across a restart; they jump to the clock floor there (events.IdFloor),
            // so no id is ever handed out twice, even after a restore from a backup
            assertTrue(live.numericId() > seen + 2, "ids increase across the restart");
        }
    }

    @Test
    void theStreamOpensAtOnceWithRetryAndAComment() throws Exception {
        String admin = api.admin("A-replay-7");
        try (SseClient s = SseClient.open(api.base(), "/api/admin/events", admin)) {
            assertEquals("no-cache, no-transform", s.header("Cache-Control"));
            assertEquals("no", s.header("X-Accel-Buffering"));
            // a ping comment follows the opening comment when no event comes; both are comments
            String farmer = api.farmer("F-replay-7");
            api.createTicket(farmer, "Opening", "hello");
            assertEquals("ticket-created", s.next().type());
            int retry = Integer.parseInt(s.retry()); // a value of its own per stream (RetrySpreadTest)
            assertTrue(retry >= ReconnectDelay.MIN_MILLIS && retry <= ReconnectDelay.MAX_MILLIS, "retry " + retry);
            assertTrue(s.comments().getFirst().startsWith("farmdesk admin stream"), s.comments().toString());
        }
    }

    private long latestId(String token) {
        return latestId(api, token);
    }

    private static long latestId(Api a, String token) {
        return a.get("/api/admin/events/poll", token).json().get("next").asLong();
    }

    private long latestId(String farmerToken, String ticket) {
        Api.Answer a = api.get("/api/tickets/" + ticket + "/events/poll?after=0&timeout=0", farmerToken);
        return a.json().get("next").asLong();
    }

    static Duration seconds(int n) {
        return Duration.ofSeconds(n);
    }
}
