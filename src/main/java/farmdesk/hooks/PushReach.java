package farmdesk.hooks;

import java.time.Instant;

/**
 * Whether a Web Push reached a farmer about a ticket since a time: a {@code reply-waiting} event is only for
 * a farmer no push reached ({@link ReplyWaiting}). Implemented by {@code push.WebPush#reached}.
 */
@FunctionalInterface
public interface PushReach {

    boolean reached(String farmerId, long ticketNum, Instant since);

}
