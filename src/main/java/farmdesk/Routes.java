package farmdesk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.staticcontent.StaticContentFeature;

import farmdesk.api.AdminEndpoints;
import farmdesk.api.WebhookAdminEndpoints;
import farmdesk.api.AttachmentEndpoints;
import farmdesk.api.DevLoginEndpoint;
import farmdesk.api.PushEndpoints;
import farmdesk.api.StreamTokenEndpoint;
import farmdesk.api.TicketEndpoints;
import farmdesk.api.UploadEndpoints;
import farmdesk.http.AccessLog;
import farmdesk.http.ConditionalDates;
import farmdesk.http.ConnectionClose;
import farmdesk.http.Cors;
import farmdesk.http.CompressionScope;
import farmdesk.http.Drain;
import farmdesk.http.ErrorHandling;
import farmdesk.http.HttpMetrics;
import farmdesk.http.SecurityHeaders;
import farmdesk.pages.CachePolicy;
import farmdesk.pages.Pages;
import farmdesk.pages.VersionedFiles;
import farmdesk.pages.WebBundles;
import farmdesk.pages.WebVersion;
import farmdesk.storage.DatabaseHealthCheck;
import farmdesk.streams.StreamEndpoints;

/**
 * Every path Farmdesk answers, in one place (docs/api.md is the contract of each), and the filters
 * every request passes first, in their order. The handlers live with their concept: {@code api} for
 * tickets and tokens, {@code streams} for SSE and long-poll.
 *
 * @param devLogin null when dev login is off: the path is then not routed and answers 404
 * @param observeSocket the listener of /observe/*: the default one, or a port of its own (then the
 *                      public port does not route /observe at all and answers it 404)
 */
record Routes(TicketEndpoints tickets, UploadEndpoints uploads, AttachmentEndpoints attachments, AdminEndpoints admins, WebhookAdminEndpoints webhooks, StreamEndpoints streams, StreamTokenEndpoint streamToken,
              DevLoginEndpoint devLogin, PushEndpoints push, Drain drain, Cors cors, HttpMetrics httpMetrics,
              DatabaseHealthCheck databaseHealth, Path webDir, String observeSocket) {

    private static final Logger LOG = Logger.getLogger(Routes.class.getName());

    void addTo(WebServerConfig.Builder server) {
        WebBundles bundles = Files.isDirectory(webDir) ? WebBundles.of(webDir) : WebBundles.none();
        WebVersion version = Files.isDirectory(webDir) ? WebVersion.of(webDir, bundles) : null;
        server.routing(routing -> route(routing, version, bundles));
        if (!observeSocket.equals(WebServer.DEFAULT_SOCKET_NAME)) {
            // on its own port too, /observe answers 503 once a graceful stop began, as it does on the public
            // port: a load balancer's health check takes the instance out while it drains
            server.routing(observeSocket, observe -> observe.addFilter(drain));
        }
        // GET /observe/health (liveness, and readiness = the database answers), GET /observe/metrics
        server.addFeature(ObserveFeature.builder()
                .observersDiscoverServices(false)
                .addObserver(HealthObserver.builder().addCheck(databaseHealth).details(true).build())
                .addObserver(MetricsObserver.create())
                .sockets(List.of(observeSocket))
                .build());
        // GET /, /farmer.html, /admin.html and their scripts and styles: the files of web/
        if (Files.isDirectory(webDir)) {
            server.addFeature(StaticContentFeature.builder()
                    .addPath(p -> p.location(webDir.toAbsolutePath()).context("/").welcome("index.html"))
                    .build());
        } else {
            LOG.warning("web folder " + webDir.toAbsolutePath() + " not found: pages are not served");
        }
    }

    private void route(HttpRouting.Builder routing, WebVersion version, WebBundles bundles) {
        routing.addFilter(new AccessLog(httpMetrics))
                .addFilter(new ConnectionClose())
                .addFilter(new SecurityHeaders()) // before drain: a refusal (503, 403) carries them too
                .addFilter(drain)
                .addFilter(cors)
                .addFilter(new ConditionalDates())
                .addFilter(new CompressionScope());
        ErrorHandling.register(routing);

        // the pages, naming their scripts and styles under /v/<version>/, which serves web/'s files by that
        // name (the files themselves also at their own paths, by the static content feature, see addTo)
        if (version != null) {
            routing.addFilter(new CachePolicy(version));
            Pages.route(routing, webDir, version, bundles);
            routing.get("/v/*", new VersionedFiles(webDir, bundles));
        }

        // sign-in
        if (devLogin != null) {
            routing.post("/api/dev/token", devLogin::token);
        }
        routing.post("/api/stream-token", streamToken::mint);

        // tickets and messages
        routing.post("/api/tickets", tickets::create)
                .get("/api/tickets", tickets::list)
                .get("/api/tickets/{id}", tickets::get)
                .patch("/api/tickets/{id}", tickets::update)
                .post("/api/tickets/{id}/messages", tickets::post)
                .post("/api/tickets/{id}/read", tickets::read)
                .post("/api/tickets/{id}/typing", tickets::typing);

        // resumable uploads (tus 1.0.0): create, resume (HEAD), append (PATCH), terminate (DELETE)
        routing.options("/api/uploads", uploads::options)
                .options("/api/uploads/{id}", uploads::options)
                .post("/api/uploads", uploads.create())
                .head("/api/uploads/{id}", uploads.head())
                .patch("/api/uploads/{id}", uploads.patch())
                .delete("/api/uploads/{id}", uploads.delete());

        // attachments of messages: the file and its thumbnail, with the message's visibility
        routing.get("/api/attachments/{id}", attachments::file)
                .get("/api/attachments/{id}/thumbnail", attachments::thumbnail)
                .head("/api/attachments/{id}", attachments::file)
                .head("/api/attachments/{id}/thumbnail", attachments::thumbnail);

        // Web Push: the VAPID key and the caller's browsers' subscriptions
        routing.get("/api/push/key", push::key)
                .post("/api/push/subscriptions", push::subscribe)
                .delete("/api/push/subscriptions", push::unsubscribe);

        // the admins known to the service (assignees are chosen from them)
        routing.get("/api/admins", admins::list);

        // webhooks: each endpoint's delivery state, and resuming a paused one
        routing.get("/api/admin/webhooks", webhooks::list)
                .post("/api/admin/webhooks/{n}/resume", webhooks::resume);

        // live events: SSE at the stream's path, long-poll at <path>/poll, the same ids on both
        routing.get("/api/tickets/{id}/events", streams::ticketStream)
                .get("/api/tickets/{id}/events/poll", streams::ticketPoll)
                .get("/api/farmers/{farmerId}/events", streams::farmerStream)
                .get("/api/farmers/{farmerId}/events/poll", streams::farmerPoll)
                .get("/api/admin/events", streams::adminStream)
                .get("/api/admin/events/poll", streams::adminPoll);
    }
}
