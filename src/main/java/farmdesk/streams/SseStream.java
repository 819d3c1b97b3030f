package farmdesk.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.events.Batch;
import farmdesk.events.Event;
import farmdesk.events.Feed;
import farmdesk.http.ErrorHandling;
import farmdesk.storage.DatabaseFaultLog;

/**
 * Serves a {@link Feed} as Server-Sent Events: each batch becomes one write and one flush of the events'
 * pre-encoded frames. The handler's own (virtual) thread writes until the client goes, the token expires,
 * the feed is dropped for lagging, or the stream is told to end; Helidon ends the response (the
 * terminating chunk) when the handler returns normally.
 *
 * <p>It writes its frames itself on the response's output stream, not through helidon-webserver-sse's
 * {@code SseSink}: the sink never writes the {@code retry:} field, overwrites {@code Cache-Control} with
 * plain {@code no-cache} (losing {@code no-transform}), and flushes every event on its own, where a batch
 * here is one write and one flush (one HTTP chunk).
 */
final class SseStream {

    private static final Logger LOG = Logger.getLogger(SseStream.class.getName());
    private static final int JOIN_LIMIT = 64 * 1024;

    /** Test seam: runs on the stream's thread once the opening block is flushed (the client has seen the open). */
    static volatile Consumer<StreamSpec> afterOpening = spec -> { };

    private final OpenStreams open;
    private final Expiries expiries;
    private final StreamMetrics metrics;

    SseStream(OpenStreams open, Expiries expiries, StreamMetrics metrics) {
        this.open = open;
        this.expiries = expiries;
        this.metrics = metrics;
    }

    /** How a stream ended, for its access-log line: the events it wrote (not heartbeats) and why it ended. */
    record Ended(int events, String end) {
    }

    /** Serves the feed (opened on this thread, with its start point already taken) until the stream ends. */
    Ended serve(StreamSpec spec, Feed feed, ServerResponse res) {
        long opened = System.nanoTime();
        open.add(feed);
        int sent = 0;
        String end;
        Instant expires = spec.viewer().expiresAt();
        Future<?> expiry = expiries.at(expires, () -> feed.signal(StreamSignals.TOKEN_EXPIRED));
        try {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-transform");
            res.header("X-Accel-Buffering", "no");
            OutputStream out = res.outputStream();
            // a retry of its own per stream: clients of one instance do not all reconnect in the same instant
            out.write(("retry: " + ReconnectDelay.nextMillis() + "\n: farmdesk " + spec.kind() + " stream for "
                    + spec.viewer().id() + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            afterOpening.accept(spec);
            while (true) {
                Batch batch = feed.next();
                if (batch.endedBy() == StreamSignals.TOKEN_EXPIRED || !Instant.now().isBefore(expires)) {
                    // nothing is sent after the token's exp
                    write(out, List.of(StreamSignals.TOKEN_EXPIRED));
                    end = "token-expired";
                    break;
                }
                if (batch.reset()) {
                    // with the latest id as its id: an EventSource resumes from there, not from the unknown
                    // id again (which would reset it on every reconnect)
                    out.write(("id: " + batch.last() + "\nevent: reset\ndata: {\"latest\":" + batch.last() + "}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                sent += write(out, batch.events());
                metrics.delivered(batch.events(), opened);
                if (batch.endedBy() != null) {
                    // told to end, or dropped for lagging: the client resumes by id and loses nothing
                    end = batch.endedBy() == Feed.LAGGING ? "lagging" : "ended";
                    break;
                }
            }
            out.close();
        } catch (IOException | UncheckedIOException | ServerConnectionException gone) {
            // the client went away; nothing to answer
            end = "client-gone";
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            end = "ended";
        } catch (RuntimeException e) {
            if (!ErrorHandling.isDatabaseAway(e)) {
                throw e;
            }
            // a replay page found no database connection: the 200 is sent, so no 503 can be; end the stream
            // normally instead of cutting it (the client resumes by id after its retry, like after a stop)
            LOG.warning("stream ended: its replay found no database connection: " + DatabaseFaultLog.firstLine(e));
            end = "database-away";
        } finally {
            expiry.cancel(false);
            open.remove(feed);
        }
        return new Ended(sent, end);
    }

    /**
     * One flush per batch of the events' shared frames. A single event (the usual case) is written as it
     * is, allocating nothing; a few are joined into one array first (one HTTP chunk, one socket write); a
     * large replay page is written frame by frame rather than copied whole. Returns the events written,
     * heartbeats not counted.
     */
    private static int write(OutputStream out, List<Event> events) throws IOException {
        if (events.isEmpty()) {
            return 0;
        }
        int length = 0;
        for (Event e : events) {
            length += e.sseFrame().length;
        }
        if (events.size() == 1 || length > JOIN_LIMIT) {
            for (Event e : events) {
                out.write(e.sseFrame());
            }
        } else {
            byte[] joined = new byte[length];
            int at = 0;
            for (Event e : events) {
                System.arraycopy(e.sseFrame(), 0, joined, at, e.sseFrame().length);
                at += e.sseFrame().length;
            }
            out.write(joined);
        }
        out.flush();
        int written = 0;
        for (Event e : events) {
            if (e != Event.HEARTBEAT) {
                written++;
            }
        }
        return written;
    }
}
