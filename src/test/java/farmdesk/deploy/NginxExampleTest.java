package farmdesk.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.NginxExample;
import farmdesk.testing.NodeEventSource;
import farmdesk.testing.NodeTusClient;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/deploy/nginx.conf, the file operators copy, run by a stock nginx in front of two instances on one
 * PostgreSQL database (as docs/deploy.md deploys them), and used from outside: a third-party EventSource
 * (npm eventsource, in Node), plain HTTP requests, {@code nginx -s reload}, and nginx's own log files.
 */
@FarmdeskServer
@Tag("postgres-only")
class NginxExampleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** Two instances on fixed ports (nginx's upstream names them), sharing one fresh database. */
    private record Pair(Settings a, Settings b) {
        static Pair onFreshDatabase() {
            Settings shared = TestSettings.postgres();
            return new Pair(shared.toBuilder().port(freePort()).build(), shared.toBuilder().port(freePort()).build());
        }
    }

    @Test
    void observeIsNotServedThroughNginx(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        assertEquals(200, new Api(a.port()).get("/observe/health", null).status(), "the instance serves it");
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), b.port())) {
            for (String path : List.of("/observe/health", "/observe/metrics", "/observe/health/ready",
                    "//observe/health", "/api/../observe/health", "/%6Fbserve/health", "/observe")) {
                int status = get(nginx.base(), path).statusCode();
                assertNotEquals(200, status, path + " through nginx");
            }
            assertEquals(200, get(nginx.base(), "/farmer.html").statusCode(), "the pages still pass");
        }
    }

    @Test
    void tusJsClientUploadsAndResumesThroughNginx(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        servers.start(pair.b());
        String farmer = new Api(a.port()).farmer("F-nginx-upload");
        byte[] pdf = new byte[3_000_000]; // 1 MiB PATCHes, as docs/api.md tells tus clients
        new Random(14).nextBytes(pdf);
        System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, pdf, 0, 9);
        Path file = Files.write(dir.resolve("delivery-note.pdf"), pdf);
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), pair.b().port());
             NodeTusClient client = NodeTusClient.start("cut-and-resume", nginx.base() + "/api/uploads", farmer, file,
                     dir.resolve("urls.json"))) {
            // stopped after its first 1 MiB PATCH, then resumed by a new Upload from the stored URL
            client.next("interrupted", WAIT);
            client.proceed();
            String url = client.next("success", WAIT).get("url").asText();
            assertTrue(url.startsWith(nginx.base().toString()), url);
            String id = url.substring(url.lastIndexOf('/') + 1);
            try (InputStream stored = a.uploads().read(id)) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertEquals(HexFormat.of().formatHex(sha.digest(pdf)),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored.readAllBytes())),
                        "the bytes stored are the file's; tus-js-client did:\n" + client.seen());
            }
        }
    }

    @Test
    void aNativeEventSourceComesBackByItselfAfterBothInstancesRestart(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        Api api = new Api(a.port());
        String farmer = api.farmer("F-nginx");
        String admin = api.admin("A-nginx");
        String ticket = api.createTicket(farmer, "Restart", "behind nginx");
        String streamToken = api.post("/api/stream-token", farmer, null).json().get("token").asText();
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), b.port());
             NodeEventSource es = NodeEventSource.open(nginx.base() + "/api/tickets/" + ticket + "/events?access_token=" + streamToken)) {
            es.next("open", WAIT);
            api.postMessage(admin, ticket, "before the restart");
            JsonNode before = es.nextEvent("new-message", WAIT);
            assertEquals("before the restart", text(before));

            servers.stop(a);
            servers.stop(b);
            // both gone: the stream ended, the EventSource reconnects, and nginx must answer it 200 (with
            // retry:) rather than 502, or the EventSource gives up for good
            es.forgetSeen();
            es.next("open", WAIT);
            awaitRetryAnswer(nginx, es);

            a = servers.start(pair.a());
            api = new Api(a.port());
            api.postMessage(admin, ticket, "after the restart 1");
            api.postMessage(admin, ticket, "after the restart 2");
            servers.start(pair.b());

            // the EventSource comes back by itself with its Last-Event-ID: the two, in order, once each
            List<String> got = new ArrayList<>();
            JsonNode first = es.nextEvent("new-message", WAIT);
            got.add(text(first));
            JsonNode second = es.nextEvent("new-message", WAIT);
            got.add(text(second));
            assertEquals(List.of("after the restart 1", "after the restart 2"), got, es.seen());
            assertTrue(Long.parseLong(before.get("id").asText()) < Long.parseLong(first.get("id").asText()));
            assertTrue(Long.parseLong(first.get("id").asText()) < Long.parseLong(second.get("id").asText()));
        }
    }

    @Test
    void aReloadEndsTheOldWorkersWhileStreamsAreOpen(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        Api api = new Api(a.port());
        String admin = api.admin("A-reload");
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), b.port());
             SseClient stream = SseClient.open(nginx.base(), "/api/admin/events", admin)) {
            assertEquals(200, stream.status());
            Set<ProcessHandle> old = nginx.workers();
            assertFalse(old.isEmpty());
            nginx.reload();
            // worker_shutdown_timeout closes what the old workers still hold; without it they wait for the
            // stream forever (it never ends: heartbeats keep it busy). A bound, not a timing assert.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (old.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(old.stream().noneMatch(ProcessHandle::isAlive),
                    "old workers still running 60 s after the reload: " + old);
            assertTrue(stream.awaitEnd(WAIT), "the old worker closed the stream (its client reconnects)");
        }
    }

    @Test
    void tokensInUrlsReachNeitherLogWhenTheInstancesFail(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        Api api = new Api(a.port());
        String farmer = api.farmer("F-logs");
        String ticket = api.createTicket(farmer, "Logs", "tokens");
        String streamToken = api.post("/api/stream-token", farmer, null).json().get("token").asText();
        List<String> paths = List.of("/api/tickets/" + ticket + "/events?access_token=" + streamToken,
                "/api/farmers/F-logs/events?lastEventId=0&access_token=" + streamToken,
                "/api/farmers/F-logs/events/poll?after=0&timeout=1&access_token=" + streamToken);
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), b.port())) {
            assertEquals(200, get(nginx.base(), paths.get(2)).statusCode(), "a poll through nginx");
            servers.stop(a);
            servers.stop(b);
            // upstream errors (connection refused, then no live upstreams), each for a URL with a token
            for (int i = 0; i < 3; i++) {
                for (String path : paths) {
                    get(nginx.base(), path);
                }
            }
            String errors = nginx.errorLog();
            String access = nginx.accessLog();
            for (String log : List.of(errors, access)) {
                assertFalse(log.contains(streamToken), "a token in nginx's log:\n" + log);
                assertFalse(log.contains("access_token="), "a token parameter in nginx's log:\n" + log);
            }
            assertTrue(access.contains("/events/poll?[redacted] "), "the access log has the requests:\n" + access);
            assertTrue(access.contains(" 502, 502"), "and the upstream failures:\n" + access);
        }
    }

    /** Waits for nginx's access-log line of a stream answered 200 by nginx itself (its upstreams 502). */
    private static void awaitRetryAnswer(NginxExample nginx, NodeEventSource es) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (nginx.accessLog().lines().anyMatch(l -> l.contains("/events?[redacted] ") && l.contains("\" 200 ")
                    && l.endsWith(" 502"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no stream answered 200 by nginx while the instances were down; access log:\n"
                + nginx.accessLog() + "\nthe client saw:\n" + es.seen());
    }

    @Test
    void clientsThatStopInTheirHeadersOrTheirBodyAreCutByNginx(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        try (NginxExample nginx = NginxExample.start(dir.resolve("nginx"), a.port(), b.port());
             Socket headers = new Socket("127.0.0.1", nginx.base().getPort());
             Socket body = new Socket("127.0.0.1", nginx.base().getPort())) {
            headers.getOutputStream().write("GET /api/tickets HTTP/1.1\r\nHost: farmdesk\r\nAccept: */".getBytes(StandardCharsets.US_ASCII));
            body.getOutputStream().write(("POST /api/tickets HTTP/1.1\r\nHost: farmdesk\r\nContent-Length: 100\r\n\r\n"
                    + "{\"subject\":").getBytes(StandardCharsets.US_ASCII));
            // Helidon alone keeps such connections for good (docs/reliability.md, "Known limits"); nginx's
            // client_header_timeout / client_body_timeout close them. A bound well above the setting
            // (10 s) and below nginx's default (60 s), not a timing assert.
            assertTrue(closedWithin(headers, Duration.ofSeconds(40)), "a client stuck in its headers is cut");
            assertTrue(closedWithin(body, Duration.ofSeconds(40)), "a client stuck in its body is cut");
        }
    }

    /** Reads until the peer closes (or resets) the connection; false when it is still open after {@code bound}. */
    private static boolean closedWithin(Socket socket, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (SocketException reset) {
                return true; // reset_timedout_connection: a RST instead of a FIN
            }
        }
    }

    @Test
    void theTlsSectionServesStreamsOverHttp2(Servers servers) throws Exception {
        Pair pair = Pair.onFreshDatabase();
        Farmdesk a = servers.start(pair.a());
        Farmdesk b = servers.start(pair.b());
        Api api = new Api(a.port());
        String admin = api.admin("A-tls");
        String ticket = api.createTicket(api.farmer("F-tls"), "TLS", "over HTTP/2");
        try (NginxExample nginx = NginxExample.startWithTls(dir.resolve("nginx"), a.port(), b.port())) {
            HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(trusting(nginx.certificate())).connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest open = HttpRequest.newBuilder(nginx.base().resolve("/api/tickets/" + ticket + "/events"))
                    .header("Authorization", "Bearer " + admin).header("Accept", "text/event-stream").GET().build();
            try (SseClient stream = SseClient.of(h2.send(open, HttpResponse.BodyHandlers.ofInputStream()))) {
                assertEquals(200, stream.status());
                api.postMessage(admin, ticket, "through TLS");
                SseClient.Event e = stream.next();
                assertEquals("new-message", e.type());
                assertEquals("through TLS", e.json().at("/message/text").asText());
            }
            HttpResponse<String> page = h2.send(HttpRequest.newBuilder(nginx.base().resolve("/farmer.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, page.version(), "HTTP/2 to the client");
            assertEquals(200, page.statusCode());
        }
    }

    /** An SSL context that trusts this one certificate (nginx's self-signed one). */
    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String text(JsonNode event) {
        return Api.parse(event.get("data").asText()).at("/message/text").asText();
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        // a raw path: URI.resolve would normalise "//" and ".." before nginx sees them
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
