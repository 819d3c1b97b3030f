package farmdesk.hooks;

import java.time.Instant;

/**
 * Whether a Web Push reached a farmer about a ticket since a time: a {@code reply-waiting} event is only for
 * a farmer no push reached ({@link ReplyWaiting}). Implemented by {@code push.WebPush#reached}.
 */
@FunctionalInterface
public interface PushReach {

    boolean reached(String farmerId, long ticketNum, Instant since);

    /**
     * PLACEHOLDER until the push side answers (branch push-policy adds {@code WebPush.reached(userId,
     * ticketNum, since)}; the merge wires that in its place, in Farmdesk): says "no push reached them", so a
     * reply left unread is always reported.
     */
    PushReach NO_PUSH_REACHED_PLACEHOLDER = (farmerId, ticketNum, since) -> false;
}
