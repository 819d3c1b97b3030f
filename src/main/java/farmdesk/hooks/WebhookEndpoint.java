package farmdesk.hooks;

import java.net.URI;
import java.util.Set;

import farmdesk.events.Event;

/**
 * One receiver of webhooks, as FARMDESK_WEBHOOK_URL names it: its number (1 for the first, the {@code n}
 * of {@code /api/admin/webhooks/{n}}), its URL, the stored event types it wants, and whether it wants
 * admin-only events (internal notes) too.
 */
public record WebhookEndpoint(int number, URI url, Set<String> types, boolean internal) {

    /** Every type that is stored in the log (live-only ones such as typing are never sent). */
    public static final Set<String> STORED_TYPES = Set.of(
            Event.TICKET_CREATED, Event.NEW_MESSAGE, Event.TICKET_UPDATED, Event.TICKET_READ, Event.REPLY_WAITING);

    public WebhookEndpoint {
        types = Set.copyOf(types);
    }

    /** Whether this endpoint is sent the event ({@code internal}: an internal note or what reveals one). */
    public boolean wants(String type, boolean internal) {
        return types.contains(type) && (this.internal || !internal);
    }

    /** The URL without its query (which may carry a receiver's token): for logs and the admin list. */
    public String shownUrl() {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** The key of the endpoint's cursor row: the whole URL, so reordering the list keeps every cursor. */
    String key() {
        return url.toString();
    }
}
