package farmdesk.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Sends one encrypted push to a push service (RFC 8030): never following a redirect (an endpoint is a
 * user-supplied URL, and a redirect could point it at an internal host), with timeouts, retrying 429
 * and 5xx a few times with backoff (honouring a {@code Retry-After} up to a bound), and telling the
 * caller when the subscription is gone (404, 410).
 */
final class PushSender {

    /** What became of a push. */
    enum Outcome { SENT, GONE, FAILED }

    private static final Logger LOG = Logger.getLogger(PushSender.class.getName());
    static final int ATTEMPTS = 4;
    /** The longest wait between attempts, whatever Retry-After asks: the sender handles events in order. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Vapid vapid;

    PushSender(Vapid vapid) {
        this.vapid = vapid;
    }

    /**
     * @param ttl     how long the push service keeps the message for an offline device
     * @param urgency RFC 8030 urgency: very-low, low, normal or high
     */
    Outcome send(Subscription to, byte[] payload, Duration ttl, String urgency) throws InterruptedException {
        URI endpoint = URI.create(to.endpoint());
        byte[] body = Aes128Gcm.encrypt(payload, to.p256dh(), to.auth());
        Duration wait = FIRST_WAIT;
        for (int attempt = 1; ; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", vapid.authorization(endpoint, Instant.now()))
                    .header("Content-Encoding", "aes128gcm")
                    .header("Content-Type", "application/octet-stream")
                    .header("TTL", Long.toString(ttl.toSeconds()))
                    .header("Urgency", urgency)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            int status;
            Duration retryAfter = null;
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                retryAfter = response.headers().firstValue("Retry-After").map(PushSender::seconds).orElse(null);
            } catch (IOException e) {
                status = -1; // refused, reset, timed out: worth another try
                LOG.fine(() -> "push to " + endpoint.getHost() + " failed: " + e);
            }
            if (status >= 200 && status < 300) {
                return Outcome.SENT;
            }
            if (status == 404 || status == 410) {
                return Outcome.GONE;
            }
            boolean retryable = status == -1 || status == 429 || status >= 500;
            if (!retryable || attempt == ATTEMPTS) {
                LOG.warning("push to " + endpoint.getHost() + " not delivered: "
                        + (status == -1 ? "no answer" : "status " + status) + " after " + attempt + " attempt(s)");
                return Outcome.FAILED;
            }
            Duration pause = retryAfter != null ? retryAfter : wait;
            Thread.sleep(Math.min(pause.toMillis(), MAX_WAIT.toMillis()));
            wait = wait.multipliedBy(2);
        }
    }

    /** Retry-After in seconds (the HTTP-date form is rare from push services: then the backoff applies). */
    private static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
