package farmdesk.hooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.WebhookReceiver;

/**
 * Measures commit to webhook: the event's stored time (taken just before its commit) to the receiver's
 * first byte, for messages posted at 20 a second. Not part of the suite (run with -Dtest=WebhookDelayBench);
 * prints one RESULT line. Same machine, same clock for both ends.
 */
@FarmdeskServer
class WebhookDelayBench {

    @Test
    void commitToWebhook(Servers servers) throws Exception {
        int messages = Integer.getInteger("bench.messages", 400);
        try (WebhookReceiver receiver = WebhookReceiver.start("/")) {
            Farmdesk app = servers.start(b -> b.webhooks(Hooked.settings(receiver.url("/hook"), Duration.ofDays(1))));
            Api api = new Api(app.port());
            String farmer = api.farmer("F-bench");
            String ticket = api.createTicket(farmer, "Bench", "start");
            receiver.awaitAccepted(2, Hooked.WITHIN);
            for (int i = 0; i < messages; i++) {
                api.postMessage(farmer, ticket, "message " + i);
                Thread.sleep(50);
            }
            List<WebhookReceiver.Request> got = receiver.awaitAccepted(messages + 2, Hooked.WITHIN);
            List<Long> micros = new ArrayList<>();
            for (WebhookReceiver.Request r : got.subList(2, got.size())) {
                Instant stored = Instant.parse(Api.parse(r.body()).get("timestamp").asText());
                micros.add(Duration.between(stored, r.receivedAt()).toNanos() / 1000);
            }
            micros.sort(null);
            System.out.printf("RESULT commit->webhook %s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                    app.port() > 0 ? System.getProperty("farmdesk.test.db", "h2") : "", micros.size(),
                    micros.get(micros.size() / 2) / 1000.0, micros.get((int) (micros.size() * 0.99)) / 1000.0,
                    micros.getLast() / 1000.0);
        }
    }
}
