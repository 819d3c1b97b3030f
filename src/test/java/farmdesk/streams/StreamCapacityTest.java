package farmdesk.streams;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static farmdesk.testing.RawHttp.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Near the connection cap, a new stream is refused with 503, {@code Retry-After} (2-5 s) and
 * {@code Connection: close}, instead of being accepted up to the cap and leaving the next connections
 * in the listen backlog with no answer at all; the reserve below the cap still serves everything else.
 * With a cap of 6 connections: 5 streams, then 503 (before: the 6th stream was a 200 and the next
 * connection of any kind waited unanswered).
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the connection cap is counted in memory
class StreamCapacityTest {

    @Test
    void aStreamPastTheCapacityGets503WithRetryAfterAndTheReserveStillServes(Servers servers) throws Exception {
        Farmdesk own = servers.start(settings -> settings.maxConnections(6).heartbeat(Duration.ofHours(1)));
        // no HTTP call before the streams: a kept-alive connection would take one of the six
        String admin = own.tokens().mint("A-capacity", Role.ADMIN, "Admin", Duration.ofHours(1));
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket s = request(own, "/api/admin/events", admin);
                streams.add(s);
                assertTrue(readUntil(s.getInputStream(), "stream for A-capacity\n\n").startsWith("HTTP/1.1 200"));
            }
            try (Socket refused = request(own, "/api/admin/events", admin)) {
                String answer = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 503"), answer);
                assertTrue(head.contains("content-type: application/problem+json"), answer);
                assertTrue(head.contains("connection: close"), answer);
                int retryAfter = Integer.parseInt(head.replaceAll("(?s).*retry-after: (\\d+).*", "$1"));
                assertTrue(retryAfter >= 2 && retryAfter <= 5, "Retry-After " + retryAfter);
            }
            // the reserve: a REST call is still answered (its connection is the sixth)
            try (Socket health = request(own, "/observe/health", null)) {
                String answer = new String(health.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
        } finally {
            for (Socket s : streams) {
                s.close();
            }
        }
    }

    private static Socket request(Farmdesk app, String path, String token) throws IOException {
        Socket s = new Socket("127.0.0.1", app.port());
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "Connection: close\r\n" : "Authorization: Bearer " + token + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

}
