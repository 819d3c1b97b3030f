package farmdesk;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the server listens: FARMDESK_HOST and FARMDESK_OBSERVE_PORT, over real sockets. */
@FarmdeskServer
class ListenerSettingsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void withAnObservePortHealthAndMetricsAreServedThereAndNotOnThePublicPort(Servers servers) throws Exception {
        Farmdesk server = servers.start(settings -> settings.observePort(0));
        assertNotEquals(server.port(), server.observePort());
        assertEquals(404, get("127.0.0.1", server.port(), "/observe/health").statusCode(),
                "the public port must not answer health");
        assertEquals(404, get("127.0.0.1", server.port(), "/observe/metrics").statusCode(),
                "the public port must not answer metrics");
        assertEquals(200, get("127.0.0.1", server.observePort(), "/observe/health").statusCode());
        HttpResponse<String> metrics = get("127.0.0.1", server.observePort(), "/observe/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("farmdesk_"), "Farmdesk's own meters on the observe port");
        // the API stays on the public port, and only there
        Api api = new Api(server.port());
        assertEquals(200, api.get("/api/tickets", api.admin("A-obs")).status());
        assertEquals(404, get("127.0.0.1", server.observePort(), "/api/tickets").statusCode());
    }

    @Test
    void whileAGracefulStopDrainsTheObservePortAnswers503LikeThePublicPort(Servers servers) throws Exception {
        Farmdesk server = servers.start(settings -> settings.observePort(0));
        int observePort = server.observePort();
        String farmer = new Api(server.port()).farmer("F-drain");
        byte[] body = "{\"subject\":\"held\",\"text\":\"a body that arrives late\"}".getBytes(StandardCharsets.UTF_8);
        Thread stopping = null;
        try (Socket held = new Socket("127.0.0.1", server.port())) {
            // a request in progress (its body not sent yet) keeps the graceful stop in its drain phase; the
            // server sends "100 Continue" when the handler asks for the body: past the drain filter
            OutputStream out = held.getOutputStream();
            out.write(("POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + farmer
                    + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String interim = new String(held.getInputStream().readNBytes(25), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim);
            assertEquals(200, get("127.0.0.1", observePort, "/observe/health").statusCode());

            stopping = Thread.ofPlatform().start(() -> servers.stop(server));
            HttpResponse<String> health = get("127.0.0.1", observePort, "/observe/health");
            for (int i = 0; i < 100 && health.statusCode() == 200; i++) {
                Thread.sleep(50);
                health = get("127.0.0.1", observePort, "/observe/health");
            }
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("shutting down"), health.body());

            out.write(body);
            out.flush();
            String answer = new String(held.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 201", answer, "the request in progress was answered before the stop");
        } finally {
            if (stopping != null) { // else the extension closes the server
                stopping.join(30_000);
            }
        }
    }

    @Test
    void withoutAnObservePortHealthIsOnThePublicPort(Farmdesk server) throws Exception {
        assertEquals(server.port(), server.observePort());
        assertEquals(200, get("127.0.0.1", server.port(), "/observe/health").statusCode());
    }

    @Test
    void aHostBindsBothPortsToThatAddressOnly(Servers servers) throws Exception {
        Farmdesk server = servers.start(settings -> settings.host("127.0.0.1").observePort(0));
        assertEquals(200, get("127.0.0.1", server.observePort(), "/observe/health").statusCode());
        assertEquals(200, get("127.0.0.1", server.port(), "/index.html").statusCode());
        // Linux routes all of 127/8 to the loopback interface: a server on every interface (the
        // default) accepts 127.0.0.2 too, one bound to 127.0.0.1 refuses it
        assertThrows(ConnectException.class, () -> connect("127.0.0.2", server.port()));
        assertThrows(ConnectException.class, () -> connect("127.0.0.2", server.observePort()));
    }

    @Test
    void byDefaultTheServerListensOnEveryInterface(Farmdesk server) throws Exception {
        connect("127.0.0.2", server.port());
    }

    @Test
    void theEnvironmentNamesHostPoolAndObservePort() {
        Settings s = Settings.fromEnvironment(Map.of("FARMDESK_HOST", "127.0.0.1", "FARMDESK_DB_POOL", "4",
                "FARMDESK_OBSERVE_PORT", "9090"));
        assertEquals("127.0.0.1", s.host());
        assertEquals(4, s.dbPool());
        assertEquals(9090, s.observePort());
        Settings d = Settings.fromEnvironment(Map.of());
        assertEquals(null, d.host(), "every interface");
        assertEquals(10, d.dbPool());
        assertEquals(false, d.ownObservePort());
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_DB_POOL", "0")));
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_DB_POOL", "1")),
                "Flyway holds two connections at start: with one it would wait for ever");
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_OBSERVE_PORT", "0")));
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_OBSERVE_PORT", "x")));
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("PORT", "9090", "FARMDESK_OBSERVE_PORT", "9090")));
    }

    private static HttpResponse<String> get(String host, int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
        }
    }
}
