package farmdesk.hooks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;

/**
 * One POST of one event to one endpoint, signed (Standard Webhooks). Redirects are not followed (a 3xx is
 * a failure): the signed request goes only where the operator said.
 */
final class Sender {

    /** Connection and whole-answer timeouts: a receiver that hangs is a failure, retried later. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final WebhookSecret secret;
    private final Clock clock;

    Sender(WebhookSecret secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    /** Null when the receiver answered 2xx; else what went wrong, in a few words. */
    String send(WebhookEndpoint endpoint, StoredEvent event) throws InterruptedException {
        byte[] body = event.body();
        String id = Long.toString(event.id());
        // the time of this attempt (receivers reject old timestamps against replays), not of the event
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint.url())
                .timeout(ANSWER_TIMEOUT)
                .header("content-type", "application/json")
                .header("user-agent", "Farmdesk-Webhooks")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", secret.sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = answer.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (HttpTimeoutException e) {
            return "timed out";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        }
    }

    void close() {
        http.close();
    }
}
