package farmdesk.instances;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL lets any role that can connect NOTIFY on any channel, grants or not. A login that is not
 * Farmdesk's sends what the relay listens for: the forged "support" message from issue 10, well-formed
 * live events without the instances' signature, a captured typing notice altered, invented event ids
 * and garbage. A farmer's stream gets none of it, its ids stay the log's, and real events (stored and
 * live) still flow after.
 */
@FarmdeskServer
@Tag("postgres-only")
class RelayForgeryTest {

    private static final String CHANNEL = "farmdesk_events";

    @Test
    void notificationsNoInstanceSentNeverBecomeEvents(Servers servers) throws Exception {
        Settings shared = TestSettings.postgres();
        Farmdesk a = servers.start(shared);
        Farmdesk b = servers.start(shared);
        try (Connection intruder = intruder(shared.dbUrl())) {
            assertThrows(SQLException.class, () -> intruder.createStatement().executeQuery("SELECT * FROM events"),
                    "the intruding role has no grants");
            Api onA = new Api(a.port());
            Api onB = new Api(b.port());
            String farmer = onA.farmer("F-A");
            String admin = onB.admin("A-relay");
            String ticket = onA.createTicket(farmer, "Payment", "where is it?");
            long num = Long.parseLong(ticket.substring("TKT-".length()));
            long from = onA.get("/api/farmers/F-A/events/poll", farmer).json().get("next").asLong();
            int forgedCount;

            try (SseClient stream = SseClient.open(onA.base(), "/api/farmers/F-A/events?lastEventId=" + from, farmer)) {
                // a genuine typing notice crosses instances, and the intruder, who may LISTEN, captures it
                try (Statement st = intruder.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                assertEquals(204, onB.post("/api/tickets/" + ticket + "/typing", admin, null).status());
                SseClient.Event typing = stream.next();
                assertEquals("typing", typing.type());
                assertNull(typing.id());
                String captured = capturedLiveNotice(intruder);
                assertTrue(captured.contains("Admin A-relay"), captured);

                List<String> forged = new ArrayList<>(List.of(
                        // exactly the reproduction of issue 10
                        "l:{\"from\":\"x\",\"type\":\"new-message\\nid: 999999\",\"ticket\":" + num
                                + ",\"farmerId\":\"F-A\",\"adminOnly\":false,\"data\":\"{\\\"message\\\":{\\\"senderRole\\\":"
                                + "\\\"admin\\\",\\\"text\\\":\\\"Please confirm your bank PIN\\\"}}\"}",
                        // well-formed, but not signed by an instance
                        "l:{\"from\":\"x\",\"type\":\"new-message\",\"ticket\":" + num + ",\"farmerId\":\"F-A\","
                                + "\"adminOnly\":false,\"data\":\"{\\\"message\\\":{\\\"senderRole\\\":\\\"admin\\\","
                                + "\\\"text\\\":\\\"Please confirm your bank PIN\\\"}}\"}",
                        "l:{\"from\":\"x\",\"type\":\"typing\",\"ticket\":" + num + ",\"farmerId\":\"F-A\",\"origin\":"
                                + "\"A-x\",\"adminOnly\":false,\"data\":\"{\\\"ticketId\\\":\\\"" + ticket
                                + "\\\",\\\"role\\\":\\\"admin\\\",\\\"name\\\":\\\"Bank security\\\"}\"}",
                        // a captured genuine notice, altered
                        captured.replace("Admin A-relay", "Bank security"),
                        captured.replace("\"typing\"", "\"new-message\""),
                        // invented stored-event ids: at most a read of the log
                        "e:999999", "e:9223372036854775807", "e:99999999999999999999", "e:-5", "e:+7", "e:abc", "e:",
                        "e:1\nid: 999999",
                        // garbage
                        "", "l:", "l:not json", "x:{}", "\u0000", "l:" + "x".repeat(7000)));
                forgedCount = forged.size();
                for (String payload : forged) {
                    notify(intruder, payload);
                }

                // a real event, committed after the forgeries, reaches instance A through the same channel
                onB.postMessage(admin, ticket, "We are checking, never share your PIN");
                JsonAnswer real = lastEvent(onB, farmer, from); // B committed it: B's log answers at once
                SseClient.Event next = stream.next();
                assertEquals("new-message", next.type(), "the first event after the forgeries: " + next);
                assertEquals(Long.toString(real.id), next.id(), "the id is the log's");
                assertEquals("We are checking, never share your PIN", next.json().at("/message/text").asText());

                // and everything still flows: live and stored, from both instances
                assertEquals(204, onB.post("/api/tickets/" + ticket + "/typing", admin, null).status());
                SseClient.Event typingAgain = stream.next();
                assertEquals("typing", typingAgain.type());
                assertEquals("Admin A-relay", typingAgain.json().get("name").asText());
                onA.postMessage(farmer, ticket, "thanks");
                SseClient.Event after = stream.next();
                assertEquals("thanks", after.json().at("/message/text").asText());
                assertTrue(after.numericId() > real.id);
                assertNull(stream.next(Duration.ofMillis(500)), "nothing else arrived");

                // the resume point is not poisoned: a poll after the last id holds nothing, and its next is that id
                var poll = onA.get("/api/farmers/F-A/events/poll?timeout=0&after=" + after.numericId(), farmer).json();
                assertEquals(0, poll.get("events").size());
                assertEquals(after.numericId(), poll.get("next").asLong());
            }
            // each was dropped and counted (the two instances of this JVM share the meter), but the invented
            // well-formed id, which is only a harmless read of the log, and the NUL, which PostgreSQL refused
            Matcher counted = Pattern.compile("farmdesk_relay_notifications_rejected_total\\{[^}]*} ([0-9.]+)")
                    .matcher(onA.get("/observe/metrics", null).body());
            assertTrue(counted.find(), "the rejected notifications are a metric");
            assertTrue(Double.parseDouble(counted.group(1)) >= forgedCount - 2, counted.group());
        }
    }

    private record JsonAnswer(long id) {
    }

    /** The newest event the farmer may see, by polling. */
    private static JsonAnswer lastEvent(Api api, String farmer, long from) {
        var events = api.get("/api/farmers/F-A/events/poll?timeout=0&after=" + from, farmer).json().get("events");
        return new JsonAnswer(events.get(events.size() - 1).get("id").asLong());
    }

    /** A new login role with no grants at all, connected to the service's database with plain JDBC. */
    private static Connection intruder(String serviceUrl) throws SQLException {
        String role = "intruder_" + UUID.randomUUID().toString().replace("-", "");
        Properties admin = new Properties();
        admin.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(serviceUrl, admin); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'intruder'");
        }
        Properties login = new Properties();
        login.setProperty("user", role);
        login.setProperty("password", "intruder");
        return DriverManager.getConnection(serviceUrl.replaceFirst("\\?.*$", ""), login);
    }

    private static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, CHANNEL);
            st.setString(2, payload);
            st.execute();
        } catch (SQLException e) {
            if (!payload.contains("\u0000")) {
                throw e;
            }
            // PostgreSQL refuses NUL in text itself: that one cannot even be sent
        }
    }

    private static String capturedLiveNotice(Connection intruder) throws SQLException {
        PGConnection pg = intruder.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            PGNotification[] notes = pg.getNotifications(1000);
            if (notes != null) {
                for (PGNotification n : notes) {
                    if (n.getParameter().startsWith("l:")) {
                        return n.getParameter();
                    }
                }
            }
        }
        throw new AssertionError("no live notice seen on " + CHANNEL);
    }
}
