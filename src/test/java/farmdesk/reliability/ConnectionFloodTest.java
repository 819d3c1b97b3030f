package farmdesk.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.testing.Api;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More connections than the process may open files. Helidon 4.5 stops listening for good when accept
 * fails with "too many open files", so Farmdesk caps its connections below the file limit
 * (FARMDESK_MAX_CONNECTIONS, by default the limit minus a reserve): past the cap, connections wait in
 * the listen backlog, and the server is still there for everyone once the flood is gone.
 */
class ConnectionFloodTest {

    private static final int FILE_LIMIT = 1024;      // a common default; the cap is then 768
    private static final int FLOOD = 1100;

    @Test
    void aFloodBeyondTheFileLimitLeavesTheServerListening(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.forSuite(dir, Map.of()).withFileLimit(FILE_LIMIT)) {
            server.start();
            Api api = new Api(server.port());
            String admin = api.admin("A-flood");
            List<Socket> flood = new ArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < FLOOD; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    flood.add(s);
                    s.getOutputStream().write(("GET /api/admin/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + admin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    readers.submit(() -> {
                        s.setSoTimeout(15_000);
                        String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                                .readLine();
                        if (status != null && status.startsWith("HTTP/1.1 200")) {
                            answered.incrementAndGet();
                        }
                        return null;
                    });
                }
                readers.shutdown();
                readers.awaitTermination(30, TimeUnit.SECONDS);
            } finally {
                for (Socket s : flood) {
                    closeQuietly(s);
                }
            }
            int served = answered.get();
            assertTrue(served >= 600 && served < FLOOD, "streams served during the flood: " + served
                    + " (expected up to the cap, the rest waiting)");

            // the flood is gone: the server answers again, streams work, and it never stopped listening
            assertEquals(200, awaitHealth(api), "health after the flood");
            String farmer = api.farmer("F-flood");
            String ticket = api.createTicket(farmer, "after the flood", "first");
            try (SseClient stream = SseClient.open(server.base(), "/api/tickets/" + ticket + "/events", farmer)) {
                assertEquals(200, stream.status());
                api.postMessage(farmer, ticket, "still here");
                SseClient.Event e;
                do {
                    e = stream.next(Duration.ofSeconds(10));
                } while (e != null && !"new-message".equals(e.type()));
                assertTrue(e != null && e.data().contains("still here"), "the message reached the stream: " + e);
            }
            assertFalse(server.log().contains("server socket is terminating"), "the listener stopped:\n" + server.log());
        }
    }

    private static int awaitHealth(Api api) throws InterruptedException {
        int status = -1;
        for (int i = 0; i < 60 && status != 200; i++) {
            try {
                status = api.get("/observe/health", null).status();
            } catch (AssertionError refusedOrTimedOut) {
                status = -1;
            }
            if (status != 200) {
                Thread.sleep(500);
            }
        }
        return status;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
