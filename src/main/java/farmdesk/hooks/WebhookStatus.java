package farmdesk.hooks;

import java.time.Instant;
import java.util.List;

/**
 * One endpoint as {@code GET /api/admin/webhooks} shows it. {@code lag}: stored events after the cursor
 * (counted up to 100,000; event ids jump at every start, so "newest id minus cursor" would not count
 * events).
 */
public record WebhookStatus(int n, String url, List<String> types, boolean internal, long delivered, long lastDeliveredId,
                            long lag, Instant failingSince, int attempts, String lastError, boolean paused) {
}
