package farmdesk.events;

/**
 * Which events one viewer receives on one topic. Admins see everything on the topic; a farmer sees
 * only public events of their own tickets. Live events are not sent back to the user who caused them.
 * The same rule filters live delivery and the replay query ({@link EventLog#readAfter}).
 *
 * @param topic    the stream's topic
 * @param viewerId the user id of the viewer
 * @param admin    true for admins
 */
public record Audience(Topic topic, String viewerId, boolean admin) {

    public boolean accepts(Event e) {
        if (!topic.matches(e)) {
            return false;
        }
        if (!e.isStored() && viewerId.equals(e.originUserId())) {
            return false;
        }
        return admin || (!e.adminOnly() && e.farmerId().equals(viewerId));
    }
}
