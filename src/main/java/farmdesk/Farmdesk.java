package farmdesk;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

import farmdesk.admins.KnownAdmins;
import farmdesk.api.AdminEndpoints;
import farmdesk.api.WebhookAdminEndpoints;
import farmdesk.api.AttachmentEndpoints;
import farmdesk.api.DevLoginEndpoint;
import farmdesk.api.PushEndpoints;
import farmdesk.api.StreamTokenEndpoint;
import farmdesk.api.TicketEndpoints;
import farmdesk.api.UploadEndpoints;
import farmdesk.auth.RateLimiter;
import farmdesk.auth.StreamQuota;
import farmdesk.auth.Tokens;
import farmdesk.events.EventSystem;
import farmdesk.events.Retention;
import farmdesk.push.WebPush;
import farmdesk.hooks.ReplyWaiting;
import farmdesk.hooks.Webhooks;
import farmdesk.uploads.DatabaseUploadStore;
import farmdesk.uploads.ImageCleaner;
import farmdesk.uploads.UploadStore;
import farmdesk.uploads.UploadSweep;
import farmdesk.http.Caller;
import farmdesk.http.ClientGoneLog;
import farmdesk.http.Cors;
import farmdesk.http.Drain;
import farmdesk.http.ErrorHandling;
import farmdesk.http.GzipAnswers;
import farmdesk.http.HttpMetrics;
import farmdesk.http10.Http1Selector;
import farmdesk.storage.Database;
import farmdesk.storage.DatabaseFaultLog;
import farmdesk.storage.DatabaseHealthCheck;
import farmdesk.storage.PoolShare;
import farmdesk.streams.StreamMetrics;
import farmdesk.streams.StreamEndpoints;
import farmdesk.tickets.TicketService;

/**
 * One running Farmdesk: database, event log, broadcaster, routes and the web server, wired together.
 * {@link Main} starts one from the environment; tests start as many as they like on port 0.
 */
public final class Farmdesk implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Farmdesk.class.getName());
    /** Helidon's default is 4 KiB per response stream (see configure). */
    private static final int STREAM_WRITE_BUFFER_BYTES = 512;
    /** How long a graceful stop waits for requests in progress (streams and polls aside) to answer. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(10);
    /** The listener of /observe/* when FARMDESK_OBSERVE_PORT is set. */
    static final String OBSERVE_SOCKET = "observe";

    private final Database database;
    private final EventSystem events;
    private final Retention retention;
    private final Webhooks webhooks;
    private final ReplyWaiting replyWaiting;
    private final UploadStore uploads;
    private final UploadSweep uploadSweep;
    private final WebPush push;
    private final StreamMetrics metrics;
    private final HttpMetrics httpMetrics;
    private final OperatorMetrics operatorMetrics;
    private final Settings settings;
    private final Tokens tokens;
    private final StreamEndpoints streamEndpoints;
    private final Routes routes;
    private final Drain drain = new Drain();
    private WebServer server;

    private Farmdesk(Settings settings) {
        DatabaseFaultLog.install(); // before the pool exists: its faults are logged one line each
        database = Database.open(settings.dbUrl(), settings.effectiveDbUser(), settings.effectiveDbPassword(), settings.dbPool());
        // the stream path reads through its share of the pool; writes and REST keep the rest (PoolShare)
        PoolShare streamShare = PoolShare.forStreams(database.poolSize());
        events = EventSystem.open(database.client(), database.isPostgres(), settings.dbUrl(),
                settings.effectiveDbUser(), settings.effectiveDbPassword(), settings.authSecret(),
                settings.recentEventsBytes(), streamShare);
        // webhooks read the log from the database on their own virtual threads: never in the way of posts or
        // streams; retention keeps what an endpoint has not received yet
        webhooks = Webhooks.start(settings.webhooks(), database.client(), events.commits(),
                Services.get(MeterRegistry.class));
        retention = new Retention(database.client(), events.log(), settings.retention(), settings.retentionEvents(),
                settings.pruneEvery(), Services.get(MeterRegistry.class), webhooks::keepAbove);

        Tokens tokens = Tokens.create(settings.authSecret());
        KnownAdmins knownAdmins = new KnownAdmins(database.client());
        Caller caller = new Caller(tokens, knownAdmins::seen);
        TicketService tickets = new TicketService(database.client(), events.log(), streamShare);
        MeterRegistry registry = Services.get(MeterRegistry.class);
        metrics = new StreamMetrics(registry, events.broadcaster()::publishedCount);
        httpMetrics = new HttpMetrics(registry);
        operatorMetrics = new OperatorMetrics(registry, database, events);
        events.broadcaster().onDrop(s -> metrics.subscriberDropped());

        streamEndpoints = new StreamEndpoints(tickets, events.feeds(), events.broadcaster(), caller,
                new StreamQuota(settings.streamsPerUser()), metrics, settings.heartbeat(),
                settings.effectiveMaxConnections());
        // one posting budget per user for messages and uploads alike
        RateLimiter rateLimiter = new RateLimiter(settings.rateLimit());
        // the bytes of uploads move through their own share, so a crowd of uploads leaves connections to posts
        uploads = new DatabaseUploadStore(database.client(), Clock.systemUTC(), settings.uploadExpiry(),
                PoolShare.forUploads(database.poolSize()));
        // pushes to those with no stream or poll on any instance, from the log after commit (durable cursor)
        push = new WebPush(settings.push(), database.client(), streamEndpoints.presence(), events.commits());
        // reply-waiting, stored in the log for the webhooks: a reply left unread that no push reached
        replyWaiting = ReplyWaiting.start(settings.webhooks(), database.client(), events.log(), push::reached);
        uploadSweep = new UploadSweep(uploads, Clock.systemUTC(), settings.pruneEvery());
        routes = new Routes(
                new TicketEndpoints(tickets, caller, rateLimiter),
                new UploadEndpoints(uploads, ImageCleaner.forHeap(settings.maxImagePixels(), Runtime.getRuntime().maxMemory()),
                        caller, rateLimiter, settings.maxUploadBytes(), settings.uploadExpiry(),
                        Clock.systemUTC()),
                new AttachmentEndpoints(tickets, uploads, caller),
                new AdminEndpoints(knownAdmins, caller),
                new WebhookAdminEndpoints(webhooks, caller),
                streamEndpoints,
                new StreamTokenEndpoint(tokens, caller),
                settings.devLogin() ? new DevLoginEndpoint(tokens) : null,
                new PushEndpoints(push, caller, rateLimiter),
                drain, new Cors(settings.corsOrigins()), httpMetrics, new DatabaseHealthCheck(database), settings.webDir(),
                settings.ownObservePort() ? OBSERVE_SOCKET : WebServer.DEFAULT_SOCKET_NAME);
        this.settings = settings;
        this.tokens = tokens;
    }

    /** Builds and starts. */
    public static Farmdesk start(Settings settings) {
        Farmdesk farmdesk = new Farmdesk(settings);
        try {
            // no Helidon shutdown hook: Main's hook stops everything in order (drain, server, log, database)
            WebServerConfig.Builder builder = WebServer.builder().port(settings.port()).shutdownHook(false);
            if (settings.host() != null) {
                builder.host(settings.host());
            }
            farmdesk.configure(builder);
            farmdesk.server = builder.build().start();
        } catch (RuntimeException e) {
            farmdesk.close();
            throw e;
        }
        if (!farmdesk.server.isRunning()) {
            farmdesk.close();
            throw new IllegalStateException("the server did not start (is port " + settings.port() + " taken?)");
        }
        // dev login with a configured secret mints tokens that every instance sharing the secret accepts:
        // say so loudly, in the line an operator reads first
        boolean openDoor = settings.devLogin() && settings.authSecret() != null;
        LOG.log(openDoor ? Level.WARNING : Level.INFO, "Farmdesk " + Version.current() + " listening on http://"
                + (settings.host() != null ? settings.host() : "localhost") + ":" + farmdesk.server.port() + "/"
                + (settings.ownObservePort() ? " (/observe on port " + farmdesk.observePort() + " only)" : "")
                + " (database " + (farmdesk.database.isPostgres() ? "PostgreSQL" : "H2")
                + ", pool of " + farmdesk.database.poolSize() + " connections, at most "
                + settings.effectiveMaxConnections() + " connections, " + devLoginNote(settings) + ")");
        return farmdesk;
    }

    private static String devLoginNote(Settings settings) {
        if (!settings.devLogin()) {
            return "dev login off";
        }
        return "dev login ON: anyone can sign in as any farmer or admin with POST /api/dev/token"
                + (settings.authSecret() != null
                        ? ", and its tokens are signed with FARMDESK_AUTH_SECRET, so they work on every instance"
                        + " sharing it; never set FARMDESK_DEV_LOGIN=true in production"
                        : "; demo only (random secret)");
    }

    /** Puts Farmdesk's routes, features and limits on the server being built. */
    private void configure(WebServerConfig.Builder builder) {
        ClientGoneLog.install();
        builder.maxPayloadSize(ErrorHandling.HARD_BODY_LIMIT_BYTES)
                // Nagle off: a small SSE frame or a response's last bytes must leave now, not wait for the
                // client's delayed ACK of the previous segment (docs/benchmarks.md)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .maxTcpConnections(settings.effectiveMaxConnections())
                // a blocking socket holds one 8 KiB read array per connection; Helidon's default NIO socket holds
                // two 8 KiB buffers (read and write) for the connection's whole life, and every open SSE stream is
                // a connection (docs/benchmarks.md, "Memory per stream")
                .useNio(false)
                // the response stream's buffer is held by every open SSE stream for its whole life; a stream
                // writes each batch as one array (SseStream), which passes a small buffer straight through
                .writeBufferSize(STREAM_WRITE_BUFFER_BYTES)
                .directHandlers(ErrorHandling.directHandlers())
                // HTTP/1 by Farmdesk's selector, which serves HTTP/1.0 too (nginx's default proxy_pass, ab,
                // curl -0; Helidon's own answers 505): it replaces Helidon's, which is then not created
                .protocolsDiscoverServices(false)
                .addConnectionSelector(Http1Selector.create())
                // gzip for a client that accepts it (pages, scripts, JSON; ~3x fewer bytes for a farmer on 2G);
                // not event streams and polls (http.CompressionScope). Brotli: no well-kept pure-Java encoder
                .contentEncoding(ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false)
                        .addContentEncoding(new GzipAnswers())
                        .build());
        if (settings.ownObservePort()) {
            // a listener of its own, with only /observe/* routed (Routes puts the observe feature there):
            // health and metrics stay off the public port, which answers them 404
            builder.putSocket(OBSERVE_SOCKET, ListenerConfig.builder()
                    .name(OBSERVE_SOCKET)
                    .host(settings.host() != null ? settings.host() : "0.0.0.0")
                    .port(settings.observePort())
                    .build());
        }
        routes.addTo(builder);
    }

    public int port() {
        return server.port();
    }

    /** The port of /observe/*: its own with FARMDESK_OBSERVE_PORT, else the public port. */
    public int observePort() {
        return settings.ownObservePort() ? server.port(OBSERVE_SOCKET) : server.port();
    }

    /** Mints a token with this instance's secret (for tests and tools; the API has dev login). */
    public Tokens tokens() {
        return tokens;
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    /** The event log's pruner (tests run it without waiting for its next run). */
    public Retention retention() {
        return retention;
    }

    /** Web Push (the reply-waiting webhook asks it whether a push reached someone; tests look at its state). */
    public WebPush push() {
        return push;
    }

    /** Webhook delivery (tests look at its state). */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** Where uploads are stored (tests look at what expiry removed). */
    public UploadStore uploads() {
        return uploads;
    }

    /**
     * Graceful stop (also on SIGTERM, from {@link Main}'s shutdown hook): refuses new requests with 503,
     * waits (at most 10 s) for the requests in progress to answer, ends open streams and held polls
     * normally (at most 5 s; clients resume elsewhere by id), stops the server, lets the write in progress
     * commit, then closes the database.
     */
    @Override
    public void close() {
        // new requests are refused (503, Retry-After) and those in progress answer before anything stops
        if (!drain.drain(DRAIN_WAIT)) {
            LOG.warning("requests still in progress after " + DRAIN_WAIT.toSeconds() + " s; stopping anyway");
        }
        // streams and held polls end normally (a complete response) before the server cuts connections
        streamEndpoints.close();
        if (server != null) {
            server.stop();
        }
        uploadSweep.close();
        replyWaiting.close(); // a decision in progress commits; none starts after
        webhooks.close(); // an attempt in flight is cut (sent again by whoever delivers next); the lease is given up
        push.close(); // the push in progress ends; the cursor keeps what was not sent
        retention.close(); // a batch in progress finishes; none starts after
        events.close(); // the write in progress commits; none starts after
        metrics.close();
        httpMetrics.close();
        operatorMetrics.close();
        database.close();
    }
}
