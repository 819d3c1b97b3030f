package farmdesk.hooks;

import java.time.Instant;

/** An endpoint's row in {@code webhook_cursors}: how far delivery got, and how the next event fares. */
public record Cursor(long lastId, long delivered, Instant failingSince, int attempts, String lastError, boolean paused) {
}
