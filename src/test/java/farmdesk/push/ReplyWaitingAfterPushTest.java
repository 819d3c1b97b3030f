package farmdesk.push;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.hooks.WebhookSecret;
import farmdesk.hooks.WebhookSettings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;
import farmdesk.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code reply-waiting} is for a farmer no push reached (docs/api.md "Webhooks"): the marketplace texts
 * the farmer whose phone was not told. Two farmers wait for a reply; the one whose phone took the push
 * (the test push service answered 201) gets no reply-waiting, the one without a subscription gets it.
 * No timing: the sweep decides replies oldest first, so once the later farmer's event has arrived, the
 * earlier reply was decided.
 */
@FarmdeskServer
class ReplyWaitingAfterPushTest {

    /** Long beside the push (sent at once, grace 0): the push is taken well before the reply is decided. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aFarmerAPushReachedIsNotReportedAsWaiting(Servers servers) throws Exception {
        try (TestPushService service = new TestPushService();
             WebhookReceiver receiver = WebhookReceiver.start("/")) {
            String secret = "whsec_" + Base64.getEncoder().encodeToString("farmdesk-reply-waiting-secret-32".getBytes());
            WebhookSettings hooks = WebhookSettings.none()
                    .withEndpoints(receiver.url("/hook") + " reply-waiting", WebhookSecret.parse(secret))
                    .withReplyWaiting(WAIT);
            PushSettings push = PushSettings.defaults().withEndpointAllow(List.of(service.prefix()))
                    .withWindows(Duration.ZERO, Duration.ZERO);
            Farmdesk app = servers.start(TestSettings.builder().push(push).webhooks(hooks).build());
            Api api = new Api(app.port());
            service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
            String told = api.farmer("F-rwp1");
            String untold = api.farmer("F-rwp2");
            String admin = api.admin("A-rwp");
            BrowserSubscription phone = service.subscription("phone-rwp1");
            assertEquals(201, api.post("/api/push/subscriptions", told, phone.json()).status());
            String toldTicket = api.createTicket(told, "Told", "when?");
            String untoldTicket = api.createTicket(untold, "Untold", "when?");

            api.postMessage(admin, toldTicket, "tomorrow");
            TestPushService.Push p = service.next();
            assertEquals(phone.endpoint, p.endpoint());
            assertEquals(201, p.answered());
            api.postMessage(admin, untoldTicket, "tomorrow too");
            receiver.awaitRequests(all -> all.stream().anyMatch(r -> r.answered() / 100 == 2
                    && r.body().contains("\"ticketId\":\"" + untoldTicket + "\"")), Duration.ofSeconds(60));

            List<String> waiting = receiver.accepted().stream().map(WebhookReceiver.Request::body)
                    .filter(b -> b.contains("\"reply-waiting\"")).toList();
            assertEquals(1, waiting.size(), "only the farmer no push reached: " + waiting);
            assertEquals(List.of(), waiting.stream().filter(b -> b.contains(toldTicket)).toList());
            assertEquals(List.of(), service.problems(), "requests the push service refused");
        }
    }
}
