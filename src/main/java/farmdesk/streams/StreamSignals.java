package farmdesk.streams;

import farmdesk.events.Event;

/**
 * What a stream's own code ends its feed with (see {@link farmdesk.events.Feed#signal}): it wakes the
 * stream's thread wherever it waits and comes back as the batch's {@code endedBy}.
 */
final class StreamSignals {

    /** The token expired: the stream sends this frame ({@code event: token-expired}, no id) and ends. */
    static final Event TOKEN_EXPIRED = Event.live("token-expired", 0, "", null, false, "{}");

    /** End now, as if the client had finished (the server stops, or the user's slot is given to a newer stream). */
    static final Event END = Event.live("end", 0, "", null, false, "{}");

    private StreamSignals() {
    }
}
