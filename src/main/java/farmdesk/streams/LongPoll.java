package farmdesk.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.events.Batch;
import farmdesk.events.Event;
import farmdesk.events.Feed;
import farmdesk.events.Feeds;

/**
 * Serves a {@link Feed} as a long-poll: the same ids, order and visibility as the SSE stream, one batch
 * per answer (what the log holds after {@code after}, else what comes within the timeout).
 */
final class LongPoll {

    static final int DEFAULT_TIMEOUT_SECONDS = 25;
    static final int MAX_TIMEOUT_SECONDS = 30;
    static final Feed.Options FEED = new Feed.Options(false, 1024, 100);
    private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.US_ASCII);
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache, no-store");

    private final Feeds feeds;
    private final OpenStreams open;
    private final StreamMetrics metrics;

    LongPoll(Feeds feeds, OpenStreams open, StreamMetrics metrics) {
        this.feeds = feeds;
        this.open = open;
        this.metrics = metrics;
    }

    /** {@code after} absent: answer at once with the newest id of the whole log (start from now). */
    void latest(ServerResponse res) {
        send(res, List.of(), feeds.latestId(), null);
    }

    /** Answers with the feed's next batch (opened on this thread, resuming after {@code after}); returns its events. */
    int serve(Feed feed, long after, int timeoutSeconds, ServerResponse res) {
        long opened = System.nanoTime();
        open.add(feed);
        Batch batch;
        try {
            batch = feed.next(Duration.ofSeconds(timeoutSeconds));
        } catch (InterruptedException stopping) {
            // the server is stopping: answer "nothing yet", the client polls again elsewhere or later
            Thread.currentThread().interrupt();
            batch = new Batch(List.of(), false, after, null);
        } finally {
            open.remove(feed);
        }
        // an id the log does not hold (pruned, lost by a restore, beyond the log): tell the client to reload
        String reset = batch.reset() ? "{\"id\":null,\"type\":\"reset\",\"data\":{\"latest\":" + batch.last() + "}}" : null;
        send(res, batch.events(), batch.last(), reset);
        metrics.delivered(batch.events(), opened);
        return batch.events().size();
    }

    private static void send(ServerResponse res, List<Event> events, long next, String extra) {
        res.status(Status.OK_200);
        res.header(JSON);
        res.header(NO_STORE);
        res.send(answer(events, next, extra));
    }

    /**
     * {@code {"events":[..],"next":n}} assembled from each event's pre-encoded bytes: one array, no
     * string building or re-encoding per answer (a thousand pollers get the same event at once).
     * {@code extra}, when not null, is one more element put first (the reset).
     */
    static byte[] answer(List<Event> events, long next, String extra) {
        byte[] extraBytes = extra == null ? null : extra.getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("],\"next\":" + next + "}").getBytes(StandardCharsets.US_ASCII);
        int length = HEAD.length + tail.length + (extraBytes == null ? 0 : extraBytes.length + 1);
        for (Event e : events) {
            length += e.pollJson().length + 1;
        }
        byte[] body = new byte[length];
        int at = put(body, 0, HEAD);
        if (extraBytes != null) {
            at = put(body, at, extraBytes);
        }
        for (int i = 0; i < events.size(); i++) {
            if (i > 0 || extraBytes != null) {
                body[at++] = ',';
            }
            at = put(body, at, events.get(i).pollJson());
        }
        at = put(body, at, tail);
        return at == length ? body : Arrays.copyOf(body, at);
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }
}
