package farmdesk.hooks;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;
import farmdesk.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two instances on one PostgreSQL database, both configured with the endpoint: one delivers each event. */
@FarmdeskServer
@Tag("postgres-only")
class WebhooksOnTwoInstancesTest {

    @Test
    void eachEventIsDeliveredByOneInstanceAndTheOtherTakesOver(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Settings shared = TestSettings.postgres().toBuilder()
                    .webhooks(Hooked.settings(receiver.url("/hook"), java.time.Duration.ofDays(1))).build();
            Farmdesk a = servers.start(shared);
            Farmdesk b = servers.start(shared);
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String farmer = onA.farmer("F-two");
            String admin = onB.admin("A-two");
            String ticket = onA.createTicket(farmer, "Two", "instances");
            for (int i = 0; i < 10; i++) {
                onA.postMessage(farmer, ticket, "on A " + i);
                onB.postMessage(admin, ticket, "on B " + i);
            }
            List<JsonNode> firstPart = Hooked.stored(onA, "/api/admin/events", admin);
            receiver.awaitAccepted(firstPart.size(), Hooked.WITHIN);
            assertFalse(a.webhooks().delivering() && b.webhooks().delivering(), "never two at once");
            List<WebhookReceiver.Request> sofar = receiver.accepted();
            assertEquals(sofar.size(), sofar.stream().map(WebhookReceiver.Request::id).distinct().count(),
                    "each event delivered once while both run");

            // the delivering one stops (it gives up its lease); the other goes on from the cursor
            Farmdesk holder = a.webhooks().delivering() ? a : b;
            Api survivor = new Api((holder == a ? b : a).port());
            servers.stop(holder);
            for (int i = 0; i < 5; i++) {
                survivor.postMessage(admin, ticket, "after the stop " + i);
            }
            List<JsonNode> expected = Hooked.stored(survivor, "/api/admin/events", admin);
            List<WebhookReceiver.Request> got = receiver.awaitRequests(r -> r.stream().filter(x -> x.answered() / 100 == 2)
                    .map(WebhookReceiver.Request::id).distinct().count() >= expected.size(), Hooked.WITHIN);
            Hooked.assertDelivered(expected, got);
            List<WebhookReceiver.Request> accepted = receiver.accepted();
            long repeats = accepted.size() - accepted.stream().map(WebhookReceiver.Request::id).distinct().count();
            assertTrue(repeats <= 1, "only an event in flight at the takeover may come twice; repeats: " + repeats);
        }
    }
}
