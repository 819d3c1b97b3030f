package farmdesk.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.LogCapture;
import farmdesk.testing.ServerProcess;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator reads at start (version, database, migrations), and the JSON lines for log shippers. */
@FarmdeskServer
class StartLogTest {

    // not on PostgreSQL: it starts on an H2 file in both runs
    @Tag("h2-only")
    @Test
    void theStartSaysTheVersionTheDatabaseAndTheMigrations(Servers servers, @TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath();
        try (LogCapture log = LogCapture.start()) {
            servers.stop(servers.start(s -> s.db(url, null, null)));
            servers.start(s -> s.db(url, null, null)); // the second start applies nothing
            List<String> lines = log.records().stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList();
            String all = String.join("\n", lines);
            assertTrue(lines.stream().anyMatch(l -> l.matches("farmdesk.Farmdesk: Farmdesk \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? listening on .*")),
                    "the version (from the build), not 'dev':\n" + all);
            List<String> database = lines.stream().filter(l -> l.startsWith("farmdesk.storage.Database: database H2 ")).toList();
            assertEquals(2, database.size(), all);
            assertTrue(database.get(0).matches(".*database H2 \\Q" + url + "\\E as sa; applied \\d+ migration\\(s\\) \\(1, 2(, \\d+)*\\),"
                    + " schema version none -> \\d+"), database.get(0));
            assertTrue(database.get(1).matches(".*; schema version \\d+, no migration to apply"), database.get(1));
        }
    }

    @Test
    void withJsonLogFormatEveryLineIsOneJsonObject(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.forSuite(dir, Map.of("FARMDESK_LOG_FORMAT", "json"))) {
            server.start();
            Api api = new Api(server.port());
            String farmer = api.farmer("F-json");
            String ticket = api.createTicket(farmer, "Seeds", "json");
            try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events?access_token=" + farmer, null)) {
                api.postMessage(farmer, ticket, "one");
                assertEquals("new-message", s.next().type());
            }
            api.get("/api/tickets/TKT-0", farmer); // a 404 for a line of its own
            // the closed stream's line comes when the server notices (heartbeats every second in ServerProcess)
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!server.log().contains("\"path\":\"/api/tickets/" + ticket + "/events\"") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            server.terminate();
            assertTrue(server.waitFor(Duration.ofSeconds(30)) != -1, "stopped"); // 143 today (SIGTERM)
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            assertFalse(lines.isEmpty());
            boolean streamLine = false;
            for (String line : lines) {
                JsonNode json;
                try {
                    json = Api.parse(line);
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
                assertTrue(json.isObject(), line);
                for (String field : List.of("time", "level", "logger", "message")) {
                    assertTrue(json.hasNonNull(field), field + " in " + line);
                }
                if ("farmdesk.access".equals(json.get("logger").asText())
                        && json.path("path").asText().equals("/api/tickets/" + ticket + "/events")) {
                    streamLine = true;
                    assertEquals("access_token=[redacted]", json.get("query").asText(), line);
                    assertEquals(200, json.get("status").asInt(), line);
                    assertEquals(1, json.get("events").asInt(), line);
                    assertTrue(json.get("ms").isNumber(), line);
                    assertTrue(json.hasNonNull("end"), line);
                    assertFalse(line.contains(farmer), "no token in the log");
                }
            }
            assertTrue(streamLine, "the stream's access line, with its fields:\n" + String.join("\n", lines));
        }
    }
}
