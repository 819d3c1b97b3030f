package farmdesk.push;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Web Push settings (README settings table; docs/deploy.md "Web Push").
 *
 * @param vapidPublicKey  base64url uncompressed P-256 point, or null: generated once and kept in the database
 * @param vapidPrivateKey base64url 32-byte private scalar, or null (set both or neither)
 * @param vapidSubject    the {@code sub} of the VAPID JWT: {@code mailto:} or {@code https:} (a contact for the
 *                        push service's operators)
 * @param endpointAllow   URL prefixes allowed besides {@code https://} (tests: a local {@code http://} receiver)
 * @param preview         false: a farmer's push carries no message text
 * @param poll            the fallback of the sender: it waits for a commit signal at most this long before it
 *                        looks at the log anyway, and an instance without the lease tries for it this often
 * @param grace           how old an event must be before it is pushed (FARMDESK_PUSH_GRACE_SECONDS): who reads
 *                        it or comes back to the page meanwhile is not pushed
 * @param group           at most one push per person and ticket within this time (FARMDESK_PUSH_GROUP_SECONDS):
 *                        what happens meanwhile is folded into the next push, with a count
 * @param presenceRefresh how often an instance refreshes its live users' rows in push_presence
 */
public record PushSettings(String vapidPublicKey, String vapidPrivateKey, String vapidSubject,
                           List<String> endpointAllow, boolean preview, Duration poll,
                           Duration grace, Duration group, Duration presenceRefresh) {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GROUP = Duration.ofSeconds(180);
    /** Bounds of the two windows: beyond them a push is no longer news. */
    static final Duration MAX_GRACE = Duration.ofHours(1);
    static final Duration MAX_GROUP = Duration.ofDays(1);

    public static final String DEFAULT_SUBJECT = "mailto:push@farmdesk.invalid";
    /** Long: the sender is woken by each commit (events.CommitSignal); this only bounds a missed signal. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

    public PushSettings {
        if ((vapidPublicKey == null) != (vapidPrivateKey == null)) {
            throw new IllegalArgumentException(
                    "set both FARMDESK_VAPID_PUBLIC_KEY and FARMDESK_VAPID_PRIVATE_KEY, or neither");
        }
        if (vapidPublicKey != null) {
            VapidKeys.from(vapidPublicKey, vapidPrivateKey); // checked with the other settings, before anything opens
        }
        if (!vapidSubject.startsWith("mailto:") && !vapidSubject.startsWith("https://")) {
            throw new IllegalArgumentException("FARMDESK_VAPID_SUBJECT must start with mailto: or https://, got '"
                    + vapidSubject + "'");
        }
        endpointAllow = List.copyOf(endpointAllow);
        for (String prefix : endpointAllow) {
            if (!prefix.matches("https?://[^/?#\\s]+/.*")) {
                throw new IllegalArgumentException("FARMDESK_PUSH_ENDPOINT_ALLOW: '" + prefix
                        + "' must be a URL prefix with a path (http://host:port/...): a bare origin would also"
                        + " match http://host:port.evil.example");
            }
        }
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("the push poll period must be positive");
        }
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("FARMDESK_PUSH_GRACE_SECONDS must be 0 to " + MAX_GRACE.toSeconds()
                    + ", got " + grace.toSeconds());
        }
        if (group.isNegative() || group.compareTo(MAX_GROUP) > 0) {
            throw new IllegalArgumentException("FARMDESK_PUSH_GROUP_SECONDS must be 0 to " + MAX_GROUP.toSeconds()
                    + ", got " + group.toSeconds());
        }
        if (presenceRefresh.isNegative() || presenceRefresh.isZero()) {
            throw new IllegalArgumentException("the presence refresh period must be positive");
        }
    }

    public static PushSettings defaults() {
        return new PushSettings(null, null, DEFAULT_SUBJECT, List.of(), true, DEFAULT_POLL,
                DEFAULT_GRACE, DEFAULT_GROUP, Duration.ofSeconds(15));
    }

    public static PushSettings fromEnvironment(Map<String, String> env) {
        PushSettings d = defaults();
        String allow = blankToNull(env.get("FARMDESK_PUSH_ENDPOINT_ALLOW"));
        String preview = blankToNull(env.get("FARMDESK_PUSH_PREVIEW"));
        boolean previewOn = preview == null || switch (preview.trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("FARMDESK_PUSH_PREVIEW must be true or false, got '" + preview + "'");
        };
        String subject = blankToNull(env.get("FARMDESK_VAPID_SUBJECT"));
        return new PushSettings(trimmed(env.get("FARMDESK_VAPID_PUBLIC_KEY")), trimmed(env.get("FARMDESK_VAPID_PRIVATE_KEY")),
                subject != null ? subject.trim() : d.vapidSubject(),
                allow == null ? List.of() : Arrays.stream(allow.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                previewOn, d.poll(), seconds(env, "FARMDESK_PUSH_GRACE_SECONDS", d.grace()),
                seconds(env, "FARMDESK_PUSH_GROUP_SECONDS", d.group()), d.presenceRefresh());
    }

    private static Duration seconds(Map<String, String> env, String name, Duration otherwise) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return otherwise;
        }
        if (!v.trim().matches("[0-9]{1,6}")) {
            throw new IllegalArgumentException(name + " must be a whole number of seconds, got '" + v + "'");
        }
        return Duration.ofSeconds(Long.parseLong(v.trim()));
    }

    public PushSettings withEndpointAllow(List<String> prefixes) {
        return new PushSettings(vapidPublicKey, vapidPrivateKey, vapidSubject, prefixes, preview, poll, grace, group,
                presenceRefresh);
    }

    public PushSettings withPreview(boolean on) {
        return new PushSettings(vapidPublicKey, vapidPrivateKey, vapidSubject, endpointAllow, on, poll, grace, group, presenceRefresh);
    }

    /** The sender's fallback poll (tests set it very long: only the commit signal can wake the sender). */
    public PushSettings withPoll(Duration fallback) {
        return new PushSettings(vapidPublicKey, vapidPrivateKey, vapidSubject, endpointAllow, preview, fallback, grace, group,
                presenceRefresh);
    }

    public PushSettings withVapid(String publicKey, String privateKey, String subject) {
        return new PushSettings(publicKey, privateKey, subject, endpointAllow, preview, poll, grace, group, presenceRefresh);
    }

    /** The grace period and the grouping window (tests make them short). */
    public PushSettings withWindows(Duration grace, Duration group) {
        return new PushSettings(vapidPublicKey, vapidPrivateKey, vapidSubject, endpointAllow, preview, poll, grace, group,
                presenceRefresh);
    }

    private static String trimmed(String s) {
        String v = blankToNull(s);
        return v == null ? null : v.trim();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
