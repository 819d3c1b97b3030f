package farmdesk.hooks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the delivering instance, then a restart: nothing is lost (the cursor is in the database), and
 * only an event in flight at the kill may come twice (dedupe by webhook-id).
 */
// not on PostgreSQL: the risk a kill -9 tests is the H2 file's durability; on PostgreSQL the cursor's SQL is
// WebhookDeliveryTest's (restart) and the lease's WebhooksOnTwoInstancesTest's
@Tag("h2-only")
class WebhookKillTest {

    @Test
    void killNineThenRestartLosesNothing(@TempDir Path dir) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start("/");
             ServerProcess server = ServerProcess.forSuite(dir, Map.of(
                     "FARMDESK_WEBHOOK_URL", receiver.url("/hook"), "FARMDESK_WEBHOOK_SECRET", Hooked.SECRET))) {
            receiver.delayEach(java.time.Duration.ofMillis(100)); // 30 messages take 3 s: the kill comes in the middle
            server.start();
            Api api = new Api(server.port());
            String farmer = api.farmer("F-kill");
            String ticket = api.createTicket(farmer, "Kill", "before");
            for (int i = 0; i < 30; i++) {
                api.postMessage(farmer, ticket, "message " + i);
            }
            receiver.awaitAccepted(5, Hooked.WITHIN);
            server.kill(); // while delivering: whatever was in flight is cut
            assertTrue(receiver.accepted().size() < 31, "the kill came before everything was delivered");

            server.start(); // the dead instance's lease runs out (15 s), then this one goes on from the cursor
            api.postMessage(farmer, ticket, "after the restart");
            List<JsonNode> expected = Hooked.stored(api, "/api/admin/events", api.admin("A-kill"));
            List<WebhookReceiver.Request> got = receiver.awaitRequests(r -> r.stream().filter(x -> x.answered() / 100 == 2)
                    .map(WebhookReceiver.Request::id).distinct().count() >= expected.size(), Hooked.WITHIN);
            // a repeat is allowed only right after itself: the event in flight at the kill, sent again
            Hooked.assertDelivered(expected, got);
            List<WebhookReceiver.Request> accepted = receiver.accepted();
            long repeats = accepted.size() - accepted.stream().map(WebhookReceiver.Request::id).distinct().count();
            assertTrue(repeats <= 1, "only the event in flight at the kill may come twice; repeats: " + repeats);
        }
    }
}
