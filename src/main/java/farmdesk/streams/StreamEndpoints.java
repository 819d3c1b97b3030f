package farmdesk.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.Access;
import farmdesk.auth.StreamQuota;
import farmdesk.auth.Viewer;
import farmdesk.events.Audience;
import farmdesk.events.Broadcaster;
import farmdesk.events.Feed;
import farmdesk.events.Feeds;
import farmdesk.events.Topic;
import farmdesk.http.AccessLine;
import farmdesk.http.Caller;
import farmdesk.tickets.TicketId;
import farmdesk.tickets.TicketService;

/**
 * The three streams (ticket, farmer, admin), each as SSE at {@code <stream>} and as long-poll at
 * {@code <stream>/poll}. This class decides who may open what and where they resume; {@link SseStream}
 * and {@link LongPoll} only deliver.
 */
public final class StreamEndpoints implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StreamEndpoints.class.getName());

    /** Streams take typing and heartbeats; a replay page is written with one flush. */
    private static final Feed.Options STREAM_FEED = new Feed.Options(true, 2048, 500);
    /** How long a stop waits for every stream and held poll to end normally before the server goes. */
    private static final Duration END_WAIT = Duration.ofSeconds(5);

    private final TicketService tickets;
    private final Caller caller;
    private final StreamQuota quota;
    private final StreamMetrics metrics;
    private final Feeds feeds;
    private final SseStream sse;
    private final LongPoll poll;
    private final Heartbeats heartbeats;
    private final OpenStreams open = new OpenStreams();
    private final StreamCapacity capacity;
    private final Expiries expiries = new Expiries();
    private final Presence presence = new Presence();

    public StreamEndpoints(TicketService tickets, Feeds feeds, Broadcaster broadcaster, Caller caller,
                        StreamQuota quota, StreamMetrics metrics, Duration heartbeat, int maxConnections) {
        this.tickets = tickets;
        this.caller = caller;
        this.quota = quota;
        this.metrics = metrics;
        this.feeds = feeds;
        this.sse = new SseStream(open, expiries, metrics);
        this.poll = new LongPoll(feeds, open, metrics);
        this.heartbeats = new Heartbeats(broadcaster, heartbeat);
        this.capacity = new StreamCapacity(maxConnections);
    }

    /** Who holds a stream or poll on this instance now (Web Push skips them). */
    public Presence presence() {
        return presence;
    }

    /**
     * Ends every stream and held poll normally (streams get the end of their response, polls an answer),
     * waiting at most a few seconds; call before the server stops. New ones end at once. Clients resume
     * elsewhere with their last id.
     */
    @Override
    public void close() {
        if (!open.endAll(END_WAIT)) {
            LOG.warning("some streams had not ended after " + END_WAIT.toSeconds() + " s; the server's stop cuts them");
        }
        heartbeats.close();
        expiries.close();
    }


    /** {@code GET /api/tickets/{id}/events}: one ticket's events as SSE. */
    public void ticketStream(ServerRequest req, ServerResponse res) {
        stream(req, res, this::ticketAudience);
    }

    /** {@code GET /api/tickets/{id}/events/poll}: the same events, long-polled. */
    public void ticketPoll(ServerRequest req, ServerResponse res) {
        poll(req, res, this::ticketAudience);
    }

    /** {@code GET /api/farmers/{farmerId}/events}: every ticket of one farmer as SSE. */
    public void farmerStream(ServerRequest req, ServerResponse res) {
        stream(req, res, this::farmerAudience);
    }

    /** {@code GET /api/farmers/{farmerId}/events/poll}: the same events, long-polled. */
    public void farmerPoll(ServerRequest req, ServerResponse res) {
        poll(req, res, this::farmerAudience);
    }

    /** {@code GET /api/admin/events}: every ticket, for admins, as SSE. */
    public void adminStream(ServerRequest req, ServerResponse res) {
        stream(req, res, this::adminAudience);
    }

    /** {@code GET /api/admin/events/poll}: the same events, long-polled. */
    public void adminPoll(ServerRequest req, ServerResponse res) {
        poll(req, res, this::adminAudience);
    }

    /** Decides what a verified viewer may receive on the requested stream, or refuses (403/404). */
    @FunctionalInterface
    private interface AudienceOf {
        Audience resolve(ServerRequest req, Viewer viewer);
    }

    private Audience ticketAudience(ServerRequest req, Viewer viewer) {
        String id = req.path().pathParameters().get("id");
        long num = TicketId.parse(id).orElseThrow(() -> Refused.notFound("no ticket " + id));
        tickets.farmerOf(viewer, num); // 404 unless the viewer may see this ticket
        return new Audience(new Topic.Ticket(num), Access.of(viewer));
    }

    private Audience farmerAudience(ServerRequest req, Viewer viewer) {
        String farmerId = req.path().pathParameters().get("farmerId");
        if (!Access.mayOpenFarmerStream(viewer, farmerId)) {
            throw Refused.forbidden("only " + farmerId + " and admins may open this stream");
        }
        return new Audience(new Topic.Farmer(farmerId), Access.of(viewer));
    }

    private Audience adminAudience(ServerRequest req, Viewer viewer) {
        if (!viewer.isAdmin()) {
            throw Refused.forbidden("only admins may open the admin stream");
        }
        return new Audience(new Topic.All(), Access.of(viewer));
    }

    private void stream(ServerRequest req, ServerResponse res, AudienceOf audienceOf) {
        Viewer viewer = caller.requireForStream(req);
        Audience audience = audienceOf.resolve(req, viewer);
        // the header wins over ?lastEventId= (EventSource sets the header itself on reconnect)
        Optional<String> resume = req.headers().first(HeaderNames.create("Last-Event-ID"))
                .or(() -> req.query().first("lastEventId").asOptional());
        Long resumeAfter = resume.map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> StreamParams.eventId(s, "Last-Event-ID")).orElse(null);
        StreamSpec spec = new StreamSpec(viewer, audience, resumeAfter);
        capacity.take(); // 503 when this instance is full: before the feed, nothing to undo
        // opened here, before anything is written: its "from now" start point is taken now
        try (Feed feed = feeds.open(audience, resumeAfter, STREAM_FEED)) {
            // at the cap, a reconnect to this same stream replaces the user's oldest one here (see StreamQuota)
            StreamQuota.Slot slot = holdSlot(viewer, audience.topic(), () -> feed.signal(StreamSignals.END));
            presence.opened(viewer.id());
            metrics.streamOpened(spec.kind());
            AccessLine line = AccessLine.takeOver();
            SseStream.Ended ended = null;
            try {
                ended = sse.serve(spec, feed, res);
            } finally {
                if (line != null && ended != null) {
                    line.streamEnded(200, ended.events(), ended.end());
                } else if (line != null) {
                    line.handBack(); // a failure: the error's answer (if it can still be sent) has the line
                }
                metrics.streamClosed(spec.kind());
                presence.closed(viewer.id());
                slot.release();
            }
        } finally {
            capacity.release();
        }
    }

    private void poll(ServerRequest req, ServerResponse res, AudienceOf audienceOf) {
        Viewer viewer = caller.requireForStream(req);
        Audience audience = audienceOf.resolve(req, viewer);
        var query = req.query();
        int timeout = LongPoll.DEFAULT_TIMEOUT_SECONDS;
        if (query.contains("timeout")) {
            timeout = StreamParams.timeoutSeconds(query.get("timeout"));
        }
        Optional<String> after = query.first("after").asOptional().map(String::strip).filter(s -> !s.isEmpty());
        if (after.isEmpty()) {
            poll.latest(res);
            return;
        }
        long resumeAfter = StreamParams.eventId(after.get(), "after");
        capacity.take();
        StreamQuota.Slot slot;
        try {
            slot = holdSlot(viewer, null, null);
        } catch (RuntimeException refused) {
            capacity.release();
            throw refused;
        }
        String kind = audience.topic().kind();
        presence.opened(viewer.id());
        metrics.pollStarted(kind);
        AccessLine line = AccessLine.takeOver();
        int events = -1;
        try (Feed feed = feeds.open(audience, resumeAfter, LongPoll.FEED)) {
            events = poll.serve(feed, resumeAfter, timeout, res);
        } catch (ServerConnectionException gone) {
            if (line != null) {
                line.streamEnded(200, 0, "client-gone");
            }
            throw gone;
        } catch (RuntimeException e) {
            if (line != null) {
                line.handBack(); // e.g. the database is away: the error's answer (503) has the line
            }
            throw e;
        } finally {
            if (line != null && events >= 0) {
                line.streamEnded(res.status().code(), events, "answered");
            }
            metrics.pollEnded(kind);
            presence.closed(viewer.id());
            slot.release();
            capacity.release();
        }
    }

    private StreamQuota.Slot holdSlot(Viewer viewer, Object replaces, Runnable end) {
        StreamQuota.Slot slot = quota.acquire(viewer.id(), replaces, end);
        if (slot == null) {
            throw Refused.tooMany("too many open streams and polls for " + viewer.id(), 5);
        }
        return slot;
    }
}
