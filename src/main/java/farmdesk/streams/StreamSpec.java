package farmdesk.streams;

import farmdesk.auth.Viewer;
import farmdesk.events.Audience;

/**
 * One subscription request, whatever its transport: who is asking, what they may receive, and where
 * they resume. SSE and long-poll are two ways of serving the same spec.
 *
 * @param viewer      the verified caller
 * @param audience    topic and visibility
 * @param resumeAfter the last event id the client has (Last-Event-ID or {@code after}); null for "from now"
 */
record StreamSpec(Viewer viewer, Audience audience, Long resumeAfter) {

    String kind() {
        return audience.topic().kind();
    }
}
