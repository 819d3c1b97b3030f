package farmdesk.push;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;
import farmdesk.tickets.TicketId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is pushed, when, and how grouped (docs/api.md "Web Push"): the grace period, the read check, the
 * grouping window with a count, admins told of a farmer's message, and a restart with notices pending.
 * Windows are short through the settings; nothing is timed: each test waits for the pushes it expects
 * (generous bound) and shows "no push" by a later push arriving first (rows are sent in due order).
 */
@FarmdeskServer
class WebPushPolicyTest {

    private TestPushService service;

    @BeforeEach
    void startService() throws Exception {
        service = new TestPushService();
    }

    @AfterEach
    void stopService() {
        service.close();
        assertEquals(List.of(), service.problems(), "requests the push service refused");
    }

    private PushSettings windows(long graceSeconds, long groupSeconds) {
        return PushSettings.defaults().withEndpointAllow(List.of(service.prefix()))
                .withWindows(Duration.ofSeconds(graceSeconds), Duration.ofSeconds(groupSeconds));
    }

    private Api start(Farmdesk app) throws Exception {
        Api api = new Api(app.port());
        service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
        return api;
    }

    private BrowserSubscription subscribe(Api api, String token, String device) {
        BrowserSubscription s = service.subscription(device);
        Api.Answer a = api.post("/api/push/subscriptions", token, s.json());
        assertEquals(201, a.status(), a.toString());
        return s;
    }

    /** Waits for what the sender records right after a push service's answer (a generous bound, not a timing). */
    static void eventually(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Tag("h2-only") // the rule is Java (NoticeBook, PushNotice); its SQL runs on PostgreSQL in WebPushInstancesTest and the restart below
    void aReplyTheFarmerReadsWithinTheGracePeriodIsNotPushed(Servers servers) throws Exception {
        // a grace long enough for the read below to come first, however slow the machine
        Api api = start(servers.start(TestSettings.builder().push(windows(5, 0)).build()));
        String reader = api.farmer("F-701");
        String away = api.farmer("F-702");
        String admin = api.admin("A-701");
        subscribe(api, reader, "reader-701");
        BrowserSubscription awayPhone = subscribe(api, away, "away-702");
        String t1 = api.createTicket(reader, "Read", "hello");
        String t2 = api.createTicket(away, "Away", "hello");

        long reply = api.postMessage(admin, t1, "read me on the page").get("id").asLong();
        assertEquals(204, api.post("/api/tickets/" + t1 + "/read", reader, "{\"messageId\":" + reply + "}").status());
        api.postMessage(admin, t2, "you are not reading");
        List<TestPushService.Push> seen = service.until(awayPhone); // due after the first one
        assertEquals(List.of(awayPhone.endpoint), seen.stream().map(TestPushService.Push::endpoint).toList(),
                "the reply read within the grace period is not pushed");
        assertEquals(1, seen.getLast().payload().get("count").asInt());
    }

    @Test
    @Tag("h2-only") // the rule is Java (NoticeBook, PushNotice); its SQL runs on PostgreSQL in WebPushInstancesTest and the restart below
    void repliesWithinTheGroupingWindowComeAsOnePushWithACount(Servers servers) throws Exception {
        Farmdesk app = servers.start(TestSettings.builder().push(windows(1, 3)).build());
        Api api = start(app);
        String farmer = api.farmer("F-703");
        String other = api.farmer("F-704");
        String admin = api.admin("A-703");
        BrowserSubscription phone = subscribe(api, farmer, "phone-703");
        BrowserSubscription otherPhone = subscribe(api, other, "other-704");
        String ticket = api.createTicket(farmer, "Group", "hello");
        String otherTicket = api.createTicket(other, "Other", "hello");
        long num = TicketId.parse(ticket).orElseThrow();
        Instant before = Instant.now();
        assertFalse(app.push().reached("F-703", num, before.minusSeconds(60)), "never pushed");

        api.postMessage(admin, ticket, "first");
        TestPushService.Push first = service.next();
        assertEquals(phone.endpoint, first.endpoint());
        assertEquals("Support replied", first.payload().get("title").asText());

        // within the window of that push: folded into the next one
        api.postMessage(admin, ticket, "second");
        api.post("/api/tickets/" + ticket + "/messages", admin, "{\"text\":\"internal: never to the farmer\",\"internal\":true}");
        api.postMessage(admin, ticket, "third");
        TestPushService.Push grouped = service.next();
        assertEquals(phone.endpoint, grouped.endpoint());
        assertEquals("third", grouped.payload().get("text").asText(), "one push for both, with the newest text");
        assertEquals(2, grouped.payload().get("count").asInt(), grouped.payload().toString());
        assertEquals("2 new replies from support", grouped.payload().get("title").asText());
        assertEquals(ticket, grouped.payload().get("ticketId").asText());
        assertEquals(1, first.payload().get("count").asInt());
        assertTrue(grouped.eventId() > first.eventId());
        eventually(() -> app.push().reached("F-703", num, before), "a push service accepted it (kept after its answer)");
        assertFalse(grouped.payload().toString().contains("internal"), grouped.payload().toString());

        api.postMessage(admin, otherTicket, "to someone else");
        assertEquals(otherPhone.endpoint, service.next().endpoint(), "nothing more for the first farmer");
        assertFalse(app.push().reached("F-703", num, Instant.now().plusSeconds(60)), "nothing reached after now");
    }

    @Test
    @Tag("h2-only") // the rule is Java (NoticeBook, PushNotice); its SQL runs on PostgreSQL in WebPushInstancesTest and the restart below
    void aFarmersMessageIsPushedToTheAssignedAdminOrToEveryAdminWhenUnassigned(Servers servers) throws Exception {
        Api api = start(servers.start(TestSettings.builder().push(windows(1, 0)).build()));
        String farmer = api.farmer("F-705");
        String x = api.admin("A-X");
        String y = api.admin("A-Y");
        BrowserSubscription deskX = subscribe(api, x, "desk-x");
        BrowserSubscription deskY = subscribe(api, y, "desk-y");
        String unassigned = api.createTicket(farmer, "Nobody's", "hello");
        String assigned = api.createTicket(farmer, "X's", "hello");
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            TestPushService.Push p = service.next();
            assertEquals("new-ticket", p.payload().get("kind").asText(), p.payload().toString());
            created.add(p.endpoint() + " " + p.payload().get("ticketId").asText());
        }
        assertEquals(Set.of(deskX.endpoint + " " + unassigned, deskY.endpoint + " " + unassigned,
                deskX.endpoint + " " + assigned, deskY.endpoint + " " + assigned), created,
                "a new ticket to every admin, and its first message not again");
        assertEquals(200, api.patch("/api/tickets/" + assigned, x, "{\"assigneeId\":\"A-X\"}").status());

        api.postMessage(farmer, unassigned, "anyone there?");
        api.postMessage(farmer, assigned, "for X only");
        Set<String> messages = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            TestPushService.Push p = service.next();
            assertEquals("farmer-message", p.payload().get("kind").asText(), p.payload().toString());
            messages.add(p.endpoint() + " " + p.payload().get("ticketId").asText() + " " + p.payload().get("text").asText());
        }
        assertEquals(Set.of(deskX.endpoint + " " + unassigned + " anyone there?", deskY.endpoint + " " + unassigned + " anyone there?",
                deskX.endpoint + " " + assigned + " for X only"), messages);
        String later = api.createTicket(farmer, "Later", "hello"); // due after anything the messages could have caused
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestPushService.Push p = service.next();
            rest.add(p.payload().get("kind").asText() + " " + p.payload().get("ticketId").asText());
        }
        assertEquals(List.of("new-ticket " + later, "new-ticket " + later), rest, "nothing for Y about X's ticket");
    }

    @Test
    void aRestartWithNoticesPendingPushesThemOnce(Servers servers, @TempDir Path dir) throws Exception {
        // a window long enough to hold the two replies below across the restart
        Settings settings = TestSettings.file(dir).toBuilder().push(windows(1, 8)).build();
        Farmdesk first = servers.start(settings);
        Api api = start(first);
        String farmer = api.farmer("F-706");
        String other = api.farmer("F-707");
        BrowserSubscription phone = subscribe(api, farmer, "phone-706");
        BrowserSubscription otherPhone = subscribe(api, other, "other-707");
        String ticket = api.createTicket(farmer, "Restart", "hello");
        String otherTicket = api.createTicket(other, "Other", "hello");
        api.postMessage(api.admin("A-706"), ticket, "before");
        assertEquals("before", service.next().payload().get("text").asText());
        api.postMessage(api.admin("A-706"), ticket, "pending one");
        api.postMessage(api.admin("A-706"), ticket, "pending two");
        servers.stop(first);

        Farmdesk second = servers.start(settings);
        api = new Api(second.port());
        TestPushService.Push grouped = service.next();
        assertEquals(phone.endpoint, grouped.endpoint());
        assertEquals("pending two", grouped.payload().get("text").asText());
        assertEquals(2, grouped.payload().get("count").asInt());
        api.postMessage(api.admin("A-706"), otherTicket, "after the restart");
        assertEquals(otherPhone.endpoint, service.next().endpoint(), "the pending push came once");
    }
}
