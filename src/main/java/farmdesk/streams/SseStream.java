package farmdesk.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.events.Broadcaster;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.events.Subscriber;

/**
 * Serves one spec as Server-Sent Events. The handler's own (virtual) thread writes the stream until
 * the client goes, the token expires, the subscriber lags, or it is told to end (the server stops, the
 * user's slot goes to a newer stream): Helidon ends the response (the terminating chunk) when the
 * handler returns normally.
 *
 * <p>Order of work: subscribe first, then replay from the log, then live events. An event may come
 * both ways (committed while the replay ran); ids only ever increase, so anything at or below the
 * last id sent is skipped.
 *
 * <p>It writes its frames itself on the response's output stream, not through helidon-webserver-sse's
 * {@code SseSink}: the sink never writes the {@code retry:} field, overwrites {@code Cache-Control} with
 * plain {@code no-cache} (losing {@code no-transform}), and flushes every event on its own, where a batch
 * here is one write and one flush (one HTTP chunk).
 */
final class SseStream {

    static final int RETRY_MILLIS = 3000;
    private static final int REPLAY_PAGE = 500;

    /**
     * Test seam: runs on the stream's thread once the opening block is flushed, i.e. when the client
     * has seen the stream open (a test commits an event there).
     */
    static volatile Consumer<StreamSpec> afterOpening = spec -> { };

    private final EventLog log;
    private final Broadcaster broadcaster;
    private final OpenStreams open;
    private final Expiries expiries;

    SseStream(EventLog log, Broadcaster broadcaster, OpenStreams open, Expiries expiries) {
        this.log = log;
        this.broadcaster = broadcaster;
        this.open = open;
        this.expiries = expiries;
    }

    /** Serves the spec to its subscriber (made on this thread, live-only events wanted) until the stream ends. */
    void serve(StreamSpec spec, Subscriber subscriber, ServerResponse res) {
        open.add(subscriber);
        broadcaster.subscribe(subscriber);
        Future<?> expiry = expiries.at(spec.viewer().expiresAt(), () -> subscriber.signal(StreamSignals.TOKEN_EXPIRED));
        // "from now" is taken before anything is written: once the client sees the stream open, every event
        // committed after that is newer than the start (taken after the first write, one committed in
        // between was queued and then skipped as already known)
        long start = spec.resumeAfter() == null ? log.newestKnown() : -1;
        try {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-transform");
            res.header("X-Accel-Buffering", "no");
            OutputStream out = res.outputStream();
            String hello = "retry: " + RETRY_MILLIS + "\n: farmdesk " + spec.kind() + " stream for "
                    + spec.viewer().id() + "\n\n";
            out.write(hello.getBytes(StandardCharsets.UTF_8));
            out.flush();
            afterOpening.accept(spec);

            // subscribed first, so everything after the start arrives; what is older is skipped by id
            long last = spec.resumeAfter() == null ? start : replay(spec, out);
            pump(spec, subscriber, out, last);
            out.close();
        } catch (IOException | UncheckedIOException | ServerConnectionException gone) {
            // the client went away; nothing to answer
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            expiry.cancel(false);
            broadcaster.unsubscribe(subscriber);
            open.remove(subscriber);
        }
    }

    /** Sends every stored event after the resume id, or a reset when the id is unknown; returns the last id sent. */
    private long replay(StreamSpec spec, OutputStream out) throws IOException {
        long after = spec.resumeAfter();
        OptionalLong reset = log.resetPoint(after);
        if (reset.isPresent()) {
            long latest = reset.getAsLong();
            // with the latest id as its id: an EventSource resumes from there, not from the unknown id again
            // (which would reset it on every reconnect, and skip what the log gains in between)
            out.write(("id: " + latest + "\nevent: reset\ndata: {\"latest\":" + latest + "}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            return latest;
        }
        while (true) {
            List<Event> page = log.readAfter(after, spec.audience(), REPLAY_PAGE);
            for (Event e : page) {
                out.write(e.sseFrame());
                after = e.id();
            }
            out.flush();
            if (page.size() < REPLAY_PAGE) {
                return after;
            }
        }
    }

    /**
     * Live events in batches (one flush per batch) and the shared heartbeats, until the token expires
     * (signalled at its exp; nothing is sent after it), the stream is told to end, or the subscriber lags.
     * A batch cut short by either is not sent: the client resumes by id and loses nothing.
     */
    private void pump(StreamSpec spec, Subscriber subscriber, OutputStream out, long last)
            throws IOException, InterruptedException {
        Instant expires = spec.viewer().expiresAt();
        List<Event> batch = new ArrayList<>();
        while (true) {
            batch.add(subscriber.take());
            subscriber.drainTo(batch);
            if (batch.contains(StreamSignals.END)) {
                return;
            }
            if (batch.contains(StreamSignals.TOKEN_EXPIRED) || !Instant.now().isBefore(expires)) {
                out.write(StreamSignals.TOKEN_EXPIRED.sseFrame());
                out.flush();
                return;
            }
            last = write(batch, last, out);
            if (subscriber.isLagging()) {
                // dropped for lagging, so nothing more is coming: write what it still holds and end;
                // the client resumes by id and loses nothing
                subscriber.drainTo(batch);
                write(batch, last, out);
                return;
            }
        }
    }

    /**
     * Writes a batch as one write and one flush (one HTTP chunk, one socket write), skipping stored events
     * already sent; returns the new last id. The frames are the events' shared bytes: a batch of one (the
     * usual case, once per subscriber per event) is written as it is, allocating nothing; a longer one is
     * joined into one array first.
     */
    private static long write(List<Event> batch, long last, OutputStream out) throws IOException {
        int kept = 0;
        int length = 0;
        boolean pinged = false;
        for (Event e : batch) {
            if (StreamSignals.isSignal(e)) {
                continue; // a signal is for the stream, never for the client
            }
            if (e == Event.HEARTBEAT) {
                if (pinged) {
                    continue; // one ping per batch is enough
                }
                pinged = true;
            } else if (e.isStored()) {
                if (e.id() <= last) {
                    continue;
                }
                last = e.id();
            }
            batch.set(kept++, e); // keep what is sent, in place
            length += e.sseFrame().length;
        }
        if (kept == 1) {
            out.write(batch.getFirst().sseFrame());
        } else if (kept > 1) {
            byte[] joined = new byte[length];
            int at = 0;
            for (int i = 0; i < kept; i++) {
                byte[] frame = batch.get(i).sseFrame();
                System.arraycopy(frame, 0, joined, at, frame.length);
                at += frame.length;
            }
            out.write(joined);
        }
        batch.clear();
        out.flush();
        return last;
    }
}
