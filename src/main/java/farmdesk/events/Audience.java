package farmdesk.events;

import farmdesk.auth.Access;

/**
 * Which events one viewer receives on one stream: events on its topic that the viewer may see
 * ({@link Access}, the one rule that also filters the replay query), except live events the viewer
 * caused: nobody needs their own "typing" echoed back.
 *
 * @param topic  the stream's topic
 * @param access who the viewer is, and so what they may see
 */
public record Audience(Topic topic, Access access) {

    public Audience(Topic topic, String viewerId, boolean admin) {
        this(topic, new Access(viewerId, admin));
    }

    public boolean accepts(Event e) {
        if (!topic.matches(e)) {
            return false;
        }
        if (!e.isStored() && access.viewerId().equals(e.originUserId())) {
            return false;
        }
        return access.maySee(e.farmerId(), e.adminOnly());
    }
}
