package farmdesk.push;

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
                    .push(PushSettings.defaults().withEndpointAllow(List.of(service.prefix()))).build();
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
            String ticket = onA.createTicket(farmer, "Two", "hello");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Api on = i % 2 == 0 ? onA : onB;
                String text = "reply " + i;
                on.postMessage(on.admin("A-601"), ticket, text);
                sent.add(text);
            }
            List<TestPushService.Push> all = new ArrayList<>();
            while (all.size() < sent.size()) {
                all.add(service.next());
            }
            servers.stop(a); // whichever was sending, b sends from now on
            for (int i = 6; i < 9; i++) {
                String text = "reply " + i;
                onB.postMessage(onB.admin("A-601"), ticket, text);
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
}
