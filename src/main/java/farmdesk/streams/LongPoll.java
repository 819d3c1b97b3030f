package farmdesk.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.helidon.http.HeaderNames;
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

    private final EventLog log;
    private final Broadcaster broadcaster;

    LongPoll(EventLog log, Broadcaster broadcaster) {
        this.log = log;
        this.broadcaster = broadcaster;
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
        }
    }

    private static void send(ServerResponse res, List<Event> events, long next, String extra) {
        StringBuilder json = new StringBuilder(64 + events.size() * 512).append("{\"events\":[");
        if (extra != null) {
            json.append(extra);
        }
        for (int i = 0; i < events.size(); i++) {
            if (i > 0 || extra != null) {
                json.append(',');
            }
            json.append(events.get(i).pollJson());
        }
        json.append("],\"next\":").append(next).append('}');
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store");
        res.send(json.toString());
    }
}
