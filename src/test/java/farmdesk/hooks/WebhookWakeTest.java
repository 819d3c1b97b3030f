package farmdesk.hooks;

import java.time.Duration;
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

/**
 * Deliveries wait on the commit signal (events.CommitSignal), not on a poll: with the idle fallback set to
 * an hour, every event still arrives, one after another, the delivery idle in between. Not a timing
 * assertion: without the signal nothing would arrive within the generous bound.
 */
@FarmdeskServer
class WebhookWakeTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aCommitWakesAnIdleDelivery(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(Hooked.settings(receiver.url("/hook"), Duration.ofDays(1))
                    .withIdleFallback(HOUR)));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-wake");
            String ticket = api.createTicket(farmer, "Wake", "first");
            receiver.awaitAccepted(2, Hooked.WITHIN); // ticket-created, new-message
            for (int i = 0; i < 3; i++) {
                api.postMessage(farmer, ticket, "then " + i); // each one posted while the delivery is idle
                receiver.awaitAccepted(3 + i, Hooked.WITHIN);
            }
            Hooked.assertDelivered(Hooked.stored(api, "/api/farmers/F-wake/events", farmer), receiver.requests());
        }
    }

    /** An event committed on the other instance wakes the delivering one through the relay. */
    @Test
    @Tag("postgres-only")
    void aCommitOnAnotherInstanceWakesTheDeliveringOne(Servers servers) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Settings shared = TestSettings.postgres().toBuilder()
                    .webhooks(Hooked.settings(receiver.url("/hook"), Duration.ofDays(1)).withIdleFallback(HOUR)).build();
            Farmdesk a = servers.start(shared);
            Farmdesk b = servers.start(shared);
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String farmer = onA.farmer("F-wake2");
            String ticket = onA.createTicket(farmer, "Wake", "first");
            receiver.awaitAccepted(2, Hooked.WITHIN);
            Api other = new Api((a.webhooks().delivering() ? b : a).port());
            for (int i = 0; i < 3; i++) {
                other.postMessage(other.farmer("F-wake2"), ticket, "elsewhere " + i);
                receiver.awaitAccepted(3 + i, Hooked.WITHIN);
            }
            List<JsonNode> stored = Hooked.stored(onB, "/api/farmers/F-wake2/events", farmer);
            Hooked.assertDelivered(stored, receiver.requests());
        }
    }
}
