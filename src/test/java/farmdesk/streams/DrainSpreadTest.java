package farmdesk.streams;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static farmdesk.testing.RawHttp.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stop ends its streams spread over a short drain window, not all in the same instant, so their
 * clients land on the other instances spread out (issue 12, "After a deploy, everyone reconnects at
 * once"). Asserted on the mechanism, not on a clock: every stream was given an end moment of its own
 * within the window, and every stream still ended normally, with the terminating chunk (read byte for
 * byte from a raw socket, so nothing hides a cut).
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: when streams end at a stop is decided in memory
class DrainSpreadTest {

    private static final int STREAMS = 12;

    @Test
    void aStopEndsEachStreamAtAMomentOfItsOwnWithinTheWindowAndNormally(Servers servers) throws Exception {
        Farmdesk own = servers.start(settings -> settings.heartbeat(Duration.ofHours(1)));
        Api api = new Api(own.port());
        String admin = api.admin("A-drain");
        List<Duration> plan = new CopyOnWriteArrayList<>();
        OpenStreams.planned = plan::addAll;
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                Socket s = new Socket("127.0.0.1", own.port());
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(40));
                s.getOutputStream().write(("GET /api/admin/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + admin + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                streams.add(s);
            }
            for (Socket s : streams) {
                String opening = readUntil(s.getInputStream(), "stream for A-drain\n\n");
                assertTrue(opening.startsWith("HTTP/1.1 200"), opening);
            }

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> servers.stop(own));
            for (Socket s : streams) {
                String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(rest.endsWith("\r\n0\r\n\r\n"), "a stream ended without its terminating chunk: "
                        + rest.replace("\r", "\\r").replace("\n", "\\n"));
            }
            stopping.get(60, TimeUnit.SECONDS);

            assertEquals(STREAMS, plan.size(), "one end moment per open stream: " + plan);
            assertEquals(STREAMS, new HashSet<>(plan).size(), "each stream ends at a moment of its own: " + plan);
            Duration window = DrainPlan.window(STREAMS);
            assertTrue(window.isPositive(), "a window, not an instant");
            for (Duration at : plan) {
                assertTrue(!at.isNegative() && at.compareTo(window) < 0, at + " outside the window " + window);
            }
        } finally {
            OpenStreams.planned = p -> { };
            for (Socket s : streams) {
                s.close();
            }
        }
    }

}
