package farmdesk.push;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;

import io.helidon.dbclient.DbClient;

import farmdesk.Refused;
import farmdesk.auth.Viewer;
import farmdesk.events.CommitSignal;
import farmdesk.streams.Presence;

/**
 * Web Push, put together: the VAPID keys, the stored subscriptions and the sender that follows the event
 * log (docs/api.md "Web Push"). The HTTP handlers are {@code farmdesk.api.PushEndpoints}.
 */
public final class WebPush implements AutoCloseable {

    /** A push endpoint is a URL the service will POST to: bounded like the column that keeps it. */
    static final int MAX_ENDPOINT_LENGTH = 2048;
    /** {@code auth}: 16 random bytes (RFC 8291 section 3.2). */
    static final int AUTH_BYTES = 16;

    private final PushSettings settings;
    private final Vapid vapid;
    private final Subscriptions subscriptions;
    private final NoticeBook book;
    private final SharedPresence presence;
    private final PushFromLog sending;

    /**
     * @param live        who has a live stream or poll on this instance (shared with the other instances)
     * @param commits     raised when this instance learns of a committed event (on any instance)
     */
    public WebPush(PushSettings settings, DbClient db, Presence live, CommitSignal commits) {
        this.settings = settings;
        this.vapid = new Vapid(VapidKeys.load(settings, db), settings.vapidSubject());
        this.subscriptions = new Subscriptions(db);
        this.book = new NoticeBook(db, settings.grace(), settings.group());
        this.presence = new SharedPresence(db, live::users, live::isLive, settings.presenceRefresh());
        live.onArrival(presence::arrived);
        live.onDeparture(presence::departed);
        this.sending = new PushFromLog(db, subscriptions, new PushSender(vapid), book, presence::liveAnywhere,
                commits, settings.preview(), settings.poll());
    }

    /**
     * Whether a push service accepted (2xx) a push about the ticket for one of the user's subscriptions at or
     * after {@code since} (known for a day after the last push: {@link NoticeBook#KEEP}). The reply-waiting
     * webhook asks it: a farmer a push reached needs no SMS.
     */
    public boolean reached(String userId, long ticketNum, Instant since) {
        return book.reached(userId, ticketNum, since);
    }

    /** Whether this instance is the one sending now (holds the lease). */
    public boolean sending() {
        return sending.sending();
    }

    /** The VAPID public key (base64url uncompressed point): the page's {@code applicationServerKey}. */
    public String publicKey() {
        return vapid.publicKey();
    }

    /**
     * Stores a browser's subscription for the viewer; true when it was new. 400 for keys that are not
     * base64url of the right sizes (or not a P-256 point), 422 for an endpoint that is not https:// (nor
     * allowed by FARMDESK_PUSH_ENDPOINT_ALLOW).
     */
    public boolean subscribe(Viewer viewer, String endpoint, String p256dh, String auth) {
        URI uri = endpoint(endpoint);
        byte[] key;
        byte[] secret;
        try {
            key = P256.fromBase64url(p256dh);
            P256.publicKey(key);
        } catch (IllegalArgumentException e) {
            throw Refused.invalid("keys.p256dh: " + e.getMessage() + " (base64url of a 65-byte uncompressed P-256 point)");
        }
        try {
            secret = P256.fromBase64url(auth);
        } catch (IllegalArgumentException e) {
            throw Refused.invalid("keys.auth: " + e.getMessage());
        }
        if (secret.length != AUTH_BYTES) {
            throw Refused.invalid("keys.auth must be " + AUTH_BYTES + " bytes (base64url), got " + secret.length);
        }
        return subscriptions.save(new Subscription(uri.toString(), viewer.id(), viewer.isAdmin() ? "admin" : "farmer", key, secret));
    }

    /** Removes the viewer's subscription with this endpoint; false when the viewer has none with it. */
    public boolean unsubscribe(Viewer viewer, String endpoint) {
        return subscriptions.delete(endpoint, viewer.id());
    }

    private URI endpoint(String endpoint) {
        if (endpoint.length() > MAX_ENDPOINT_LENGTH) {
            throw Refused.invalid("endpoint must be at most " + MAX_ENDPOINT_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw Refused.invalid("endpoint is not a URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw Refused.invalid("endpoint must be an absolute URL with a host, no user info and no fragment");
        }
        boolean allowed = "https".equals(uri.getScheme())
                || settings.endpointAllow().stream().anyMatch(endpoint::startsWith);
        if (!allowed) {
            throw Refused.unprocessable("endpoint must be an https:// URL of a push service");
        }
        return uri;
    }

    @Override
    public void close() {
        sending.close();
        presence.close();
    }
}
