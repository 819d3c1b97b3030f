package farmdesk.streams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.events.Broadcaster;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.events.Subscriber;

/**
 * Serves one spec as a long-poll: the same ids, order and visibility as the SSE stream, one batch per
 * answer. Answers at once when the log holds something after {@code after}; otherwise subscribes,
 * checks the log again (so an event committed in between is not missed) and waits.
 */
final class LongPoll {

    static final int MAX_BATCH = 100;
    static final int DEFAULT_TIMEOUT_SECONDS = 25;
    static final int MAX_TIMEOUT_SECONDS = 30;
    private static final int QUEUE_CAPACITY = 1024;
    private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.US_ASCII);
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache, no-store");

    private final EventLog log;
    private final Broadcaster broadcaster;
    private final OpenStreams open;

    LongPoll(EventLog log, Broadcaster broadcaster, OpenStreams open) {
        this.log = log;
        this.broadcaster = broadcaster;
        this.open = open;
    }

    /** {@code after} absent: answer at once with the newest id of the whole log (start from now). */
    void latest(ServerResponse res) {
        send(res, List.of(), log.latestId(), null);
    }

    void serve(StreamSpec spec, int timeoutSeconds, ServerResponse res) {
        long after = spec.resumeAfter();
        List<Event> events = log.readAfter(after, spec.audience(), MAX_BATCH);
        if (events.isEmpty()) {
            OptionalLong reset = log.resetPoint(after);
            if (reset.isPresent()) {
                // an id from the future (the database was replaced): tell the client to reload
                long latest = reset.getAsLong();
                send(res, List.of(), latest, "{\"id\":null,\"type\":\"reset\",\"data\":{\"latest\":" + latest + "}}");
                return;
            }
            if (timeoutSeconds > 0) {
                events = await(spec, after, timeoutSeconds);
            }
        }
        long next = events.isEmpty() ? after : events.getLast().id();
        send(res, events, next, null);
    }

    private List<Event> await(StreamSpec spec, long after, int timeoutSeconds) {
        Subscriber subscriber = new Subscriber(spec.audience(), false, QUEUE_CAPACITY);
        broadcaster.subscribe(subscriber);
        open.add(subscriber);
        try {
            List<Event> events = log.readAfter(after, spec.audience(), MAX_BATCH);
            if (!events.isEmpty()) {
                return events;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<Event> fresh = new ArrayList<>();
            while (fresh.isEmpty()) {
                long left = deadline - System.nanoTime();
                Event first = left > 0 ? subscriber.poll(left, TimeUnit.NANOSECONDS) : null;
                if (first == null) {
                    return fresh;
                }
                List<Event> got = new ArrayList<>();
                got.add(first);
                subscriber.drainTo(got);
                if (got.contains(StreamSignals.END)) {
                    return fresh; // told to end (the server stops): answer now, the client polls again elsewhere
                }
                for (Event e : got) {
                    if (e.id() > after && fresh.size() < MAX_BATCH) {
                        fresh.add(e);
                    }
                }
            }
            return fresh;
        } catch (InterruptedException stopping) {
            // the server is stopping: answer "nothing yet", the client polls again elsewhere or later
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            broadcaster.unsubscribe(subscriber);
            open.remove(subscriber);
        }
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
