package farmdesk.hooks;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The webhook settings: FARMDESK_WEBHOOK_URL (the endpoints), FARMDESK_WEBHOOK_SECRET and
 * FARMDESK_WEBHOOK_PAUSE_AFTER_HOURS; the retry and lease timings are fixed in production and shorter in
 * tests.
 *
 * <p>FARMDESK_WEBHOOK_URL: endpoints separated by {@code ;} (or new lines); each is a URL, optionally
 * followed by white space and a comma-separated list of what it wants: event types
 * ({@code ticket-created}, {@code new-message}, {@code ticket-updated}, {@code ticket-read}, {@code reply-waiting}) and
 * {@code internal} (admin-only events too). No list: every stored type, internal notes left out. E.g.
 * {@code https://a.example/hooks; https://b.example/sms new-message,ticket-updated}.
 */
public record WebhookSettings(List<WebhookEndpoint> endpoints, WebhookSecret secret, Duration pauseAfter,
                              Duration firstRetry, Duration maxRetry, Duration lease, Duration idleFallback,
                              Duration replyWaiting) {

    public static final Duration DEFAULT_PAUSE_AFTER = Duration.ofHours(24);
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    /**
     * How long an idle endpoint waits for the commit signal before it reads its cursor anyway: a resume on
     * another instance, a missed signal. Long: each commit wakes it (events.CommitSignal).
     */
    public static final Duration DEFAULT_IDLE_FALLBACK = Duration.ofSeconds(5);
    /** FARMDESK_REPLY_WAITING_MINUTES: how long an admin's reply stays unread before {@code reply-waiting}. */
    public static final Duration DEFAULT_REPLY_WAITING = Duration.ofMinutes(10);
    static final String INTERNAL = "internal";

    public WebhookSettings {
        endpoints = List.copyOf(endpoints);
        if (!endpoints.isEmpty() && secret == null) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL is set but FARMDESK_WEBHOOK_SECRET is not: set it to"
                    + " whsec_ and base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32)), and give"
                    + " the same secret to the receiver");
        }
        if (pauseAfter.isNegative() || pauseAfter.isZero()) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_PAUSE_AFTER_HOURS must be positive");
        }
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("webhook retries: the first pause must be positive and not above the longest");
        }
        if (lease.toMillis() < 300) {
            throw new IllegalArgumentException("the webhook lease must be at least 300 ms");
        }
        if (idleFallback.isNegative() || idleFallback.isZero()) {
            throw new IllegalArgumentException("the webhook idle fallback must be positive");
        }
        if (replyWaiting.isNegative()) {
            throw new IllegalArgumentException("FARMDESK_REPLY_WAITING_MINUTES must not be negative");
        }
    }

    /** No endpoints: nothing is delivered. */
    public static WebhookSettings none() {
        return new WebhookSettings(List.of(), null, DEFAULT_PAUSE_AFTER, DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY, DEFAULT_LEASE, DEFAULT_IDLE_FALLBACK, DEFAULT_REPLY_WAITING);
    }

    /** From the three settings (any may be null or blank), the default reply-waiting time. */
    public static WebhookSettings parse(String urls, String secret, String pauseAfterHours) {
        return parse(urls, secret, pauseAfterHours, null);
    }

    /**
     * From the four settings (any may be null or blank); a clear IllegalArgumentException when one is wrong.
     * FARMDESK_REPLY_WAITING_MINUTES may have a fraction ({@code 0.5}: 30 s), kept to the millisecond; 0 turns
     * {@code reply-waiting} off.
     */
    public static WebhookSettings parse(String urls, String secret, String pauseAfterHours, String replyWaitingMinutes) {
        Duration replyWaiting = DEFAULT_REPLY_WAITING;
        if (replyWaitingMinutes != null && !replyWaitingMinutes.isBlank()) {
            try {
                BigDecimal minutes = new BigDecimal(replyWaitingMinutes.strip());
                if (minutes.signum() < 0 || minutes.compareTo(BigDecimal.valueOf(7 * 24 * 60)) > 0) {
                    throw new NumberFormatException();
                }
                replyWaiting = Duration.ofMillis(minutes.multiply(BigDecimal.valueOf(60_000)).longValue());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("FARMDESK_REPLY_WAITING_MINUTES must be a number of minutes from 0"
                        + " (off) to 10080 (a week), e.g. 10 or 0.5, got '" + replyWaitingMinutes + "'");
            }
        }
        return parseEndpoints(urls, secret, pauseAfterHours).withReplyWaiting(replyWaiting);
    }

    private static WebhookSettings parseEndpoints(String urls, String secret, String pauseAfterHours) {
        List<WebhookEndpoint> endpoints = endpoints(urls);
        WebhookSecret key = secret == null || secret.isBlank() ? null : WebhookSecret.parse(secret);
        Duration pause = DEFAULT_PAUSE_AFTER;
        if (pauseAfterHours != null && !pauseAfterHours.isBlank()) {
            try {
                pause = Duration.ofHours(Long.parseLong(pauseAfterHours.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("FARMDESK_WEBHOOK_PAUSE_AFTER_HOURS must be a whole number, got '"
                        + pauseAfterHours + "'");
            }
        }
        return new WebhookSettings(endpoints, key, pause, DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY, DEFAULT_LEASE, DEFAULT_IDLE_FALLBACK, DEFAULT_REPLY_WAITING);
    }

    /** The wait before {@code reply-waiting} (tests: seconds; zero: never emitted). */
    public WebhookSettings withReplyWaiting(Duration wait) {
        return new WebhookSettings(endpoints, secret, pauseAfter, firstRetry, maxRetry, lease, idleFallback, wait);
    }

    public boolean enabled() {
        return !endpoints.isEmpty();
    }

    public WebhookSettings withEndpoints(String urls, WebhookSecret secret) {
        return new WebhookSettings(endpoints(urls), secret, pauseAfter, firstRetry, maxRetry, lease, idleFallback, replyWaiting);
    }

    public WebhookSettings withTimings(Duration pauseAfter, Duration firstRetry, Duration maxRetry, Duration lease) {
        return new WebhookSettings(endpoints, secret, pauseAfter, firstRetry, maxRetry, lease, idleFallback, replyWaiting);
    }

    /** The idle fallback (tests set it very long: only the commit signal can wake a delivery). */
    public WebhookSettings withIdleFallback(Duration fallback) {
        return new WebhookSettings(endpoints, secret, pauseAfter, firstRetry, maxRetry, lease, fallback, replyWaiting);
    }

    static List<WebhookEndpoint> endpoints(String value) {
        List<WebhookEndpoint> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String entry : value.split("[;\n]")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split("\\s+");
            if (parts.length > 2) {
                throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL: '" + e + "' is not 'URL' or 'URL type,type,...'"
                        + " (separate endpoints with ;)");
            }
            URI url = url(parts[0]);
            if (!seen.add(url.toString())) {
                throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL names " + parts[0] + " twice");
            }
            Set<String> types = new LinkedHashSet<>();
            boolean internal = false;
            if (parts.length == 2) {
                for (String t : parts[1].split(",")) {
                    String type = t.strip();
                    if (type.equals(INTERNAL)) {
                        internal = true;
                    } else if (WebhookEndpoint.STORED_TYPES.contains(type)) {
                        types.add(type);
                    } else if (!type.isEmpty()) {
                        throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL: unknown event type '" + type + "' for "
                                + parts[0] + " (known: " + String.join(", ", WebhookEndpoint.STORED_TYPES.stream().sorted().toList())
                                + ", and internal)");
                    }
                }
            }
            if (types.isEmpty()) {
                types.addAll(WebhookEndpoint.STORED_TYPES);
            }
            out.add(new WebhookEndpoint(out.size() + 1, url, types, internal));
        }
        return out;
    }

    private static URI url(String s) {
        try {
            URI url = new URI(s);
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null
                    || url.getRawFragment() != null || url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL: '" + s + "' is not an http(s) URL with a host"
                        + " (no user, no #fragment)");
            }
            if (s.length() > 2000) {
                throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL: a URL is longer than 2000 characters");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("FARMDESK_WEBHOOK_URL: '" + s + "' is not a URL (" + e.getReason() + ")");
        }
    }
}
