package farmdesk.push;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances on one PostgreSQL: one VAPID key for both, and each event pushed once whichever
 * instance stored it, also after the sending instance stops (the other takes the cursor over).
 */
@FarmdeskServer
@Tag("postgres-only")
class WebPushInstancesTest {

    @Test
    void twoInstancesPushEachEventOnceAndOneTakesOverWhenTheOtherStops(Servers servers) throws Exception {
        try (TestPushService service = new TestPushService()) {
            Settings shared = TestSettings.postgres().toBuilder()
                    .push(WebPushTest.at(service)).build();
            Farmdesk a = servers.start(shared);
            Farmdesk b = servers.start(shared);
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String key = onA.get("/api/push/key", onA.farmer("F-key")).json().get("publicKey").asText();
            assertEquals(key, onB.get("/api/push/key", onB.farmer("F-key")).json().get("publicKey").asText(),
                    "one generated key for every instance");
            service.trust(key);

            String farmer = onA.farmer("F-601");
            BrowserSubscription phone = service.subscription("phone-601");
            assertEquals(201, onA.post("/api/push/subscriptions", farmer, phone.json()).status());
            // one ticket per reply: replies on one ticket not sent yet are folded into one push
            List<String> tickets = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                tickets.add(onA.createTicket(farmer, "Two " + i, "hello"));
            }
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Api on = i % 2 == 0 ? onA : onB;
                String text = "reply " + i;
                on.postMessage(on.admin("A-601"), tickets.get(i), text);
                sent.add(text);
            }
            List<TestPushService.Push> all = new ArrayList<>();
            while (all.size() < sent.size()) {
                all.add(service.next());
            }
            servers.stop(a); // whichever was sending, b sends from now on
            for (int i = 6; i < 9; i++) {
                String text = "reply " + i;
                onB.postMessage(onB.admin("A-601"), tickets.get(i), text);
                sent.add(text);
            }
            do {
                all.add(service.next());
            } while (!all.getLast().payload().get("text").asText().equals("reply 8"));

            Map<Long, Long> perEvent = all.stream().collect(Collectors.groupingBy(TestPushService.Push::eventId, Collectors.counting()));
            assertEquals(sent, all.stream().map(p -> p.payload().get("text").asText()).toList(), "in order, each once: " + perEvent);
            // the servers before the service: a push still in flight is answered, so the stop does not wait on
            // the sender's retries against a closed service (up to PushFromLog.STOP_WAIT)
            servers.stopAll();
            assertEquals(List.of(), service.problems());
        }
    }

    @Test
    void aFarmerLiveOnTheOtherInstanceIsNotPushedAndIsOnceThatInstanceStops(Servers servers) throws Exception {
        try (TestPushService service = new TestPushService()) {
            Settings shared = TestSettings.postgres().toBuilder().push(PushSettings.defaults()
                    .withEndpointAllow(List.of(service.prefix())).withWindows(Duration.ofSeconds(1), Duration.ZERO)).build();
            Farmdesk a = servers.start(shared);
            Farmdesk b = servers.start(shared);
            WebPushPolicyTest.eventually(() -> a.push().sending() || b.push().sending(), "one instance sends");
            Farmdesk sender = a.push().sending() ? a : b;
            Farmdesk other = sender == a ? b : a;
            Api onSender = new Api(sender.port());
            Api onOther = new Api(other.port());
            service.trust(onSender.get("/api/push/key", onSender.farmer("F-key")).json().get("publicKey").asText());

            String live = onSender.farmer("F-611");
            String away = onSender.farmer("F-612");
            String admin = onSender.admin("A-611");
            BrowserSubscription livePhone = service.subscription("live-611");
            BrowserSubscription awayPhone = service.subscription("away-612");
            assertEquals(201, onSender.post("/api/push/subscriptions", live, livePhone.json()).status());
            assertEquals(201, onSender.post("/api/push/subscriptions", away, awayPhone.json()).status());
            String t1 = onSender.createTicket(live, "Live elsewhere", "hello");
            String t2 = onSender.createTicket(away, "Away", "hello");
            try (SseClient stream = SseClient.open(onOther.base(), "/api/farmers/F-611/events", onOther.farmer("F-611"))) {
                assertEquals(200, stream.status());
                WebPushPolicyTest.eventually(() -> presenceRows(shared, "F-611") == 1, "the other instance says F-611 is live there");
                onSender.postMessage(admin, t1, "you are on the page, on the other instance");
                assertEquals("new-message", stream.next().type()); // delivered live
                onSender.postMessage(admin, t2, "you are not");
                List<TestPushService.Push> seen = service.until(awayPhone); // due after the first one
                assertEquals(List.of(awayPhone.endpoint), seen.stream().map(TestPushService.Push::endpoint).toList());
            }
            servers.stop(other); // a graceful stop removes its rows: nobody is live there any more
            assertEquals(0, presenceRows(shared, "F-611"));
            onSender.postMessage(admin, t1, "now you are away");
            TestPushService.Push pushed = service.next();
            assertEquals(livePhone.endpoint, pushed.endpoint());
            assertEquals("now you are away", pushed.payload().get("text").asText());
            assertEquals(List.of(), service.problems());
        }
    }

    private static int presenceRows(Settings settings, String userId) {
        try (Connection c = DriverManager.getConnection(settings.dbUrl(), settings.effectiveDbUser(), null);
             PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM push_presence WHERE user_id = ? AND seen_until > now()")) {
            st.setString(1, userId);
            try (ResultSet r = st.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pollingUsersWriteOnePresenceRowEachNotOnePerPoll(Servers servers) throws Exception {
        PushSettings d = PushSettings.defaults();
        PushSettings fastRefresh = new PushSettings(null, null, d.vapidSubject(), List.of(), true, d.poll(), d.grace(),
                d.group(), Duration.ofSeconds(1)); // several refreshes while they poll
        Settings settings = TestSettings.postgres().toBuilder().push(fastRefresh).build();
        Farmdesk app = servers.start(settings);
        Api api = new Api(app.port());
        int users = 20;
        int pollsEach = 6;
        List<Thread> pollers = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String id = "F-poll-" + i;
            String token = api.farmer(id);
            pollers.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; n < pollsEach; n++) {
                    assertEquals(200, api.get("/api/farmers/" + id + "/events/poll?after=0&timeout=1", token).status());
                }
            }));
        }
        for (Thread t : pollers) {
            t.join();
        }
        servers.stop(app); // deletes its rows; its connections end, and with them their statistics are flushed
        WebPushPolicyTest.eventually(() -> presenceWrites(settings)[2] >= users, "the stop's deletes are counted");
        long[] written = presenceWrites(settings);
        assertEquals(users, written[0], "one insert per user over " + users * pollsEach + " polls");
        assertEquals(users, written[2], "one delete per user");
    }

    /** Rows inserted, updated and deleted in push_presence (PostgreSQL's statistics). */
    private static long[] presenceWrites(Settings settings) {
        try (Connection c = DriverManager.getConnection(settings.dbUrl(), settings.effectiveDbUser(), null);
             PreparedStatement st = c.prepareStatement("SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
                     + " WHERE relname = 'push_presence'");
             ResultSet r = st.executeQuery()) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
