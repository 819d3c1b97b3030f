package farmdesk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.LogCapture;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the environment turns into, in particular the secure default of dev login. */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: what the environment turns into does not depend on the database
class SettingsTest {

    private static final String SECRET = TestSettings.SECRET;

    @Test
    void withoutASecretDevLoginIsOnForTheDemo() {
        Settings s = Settings.fromEnvironment(Map.of());
        assertTrue(s.devLogin());
        assertEquals(null, s.authSecret());
    }

    @Test
    void aProductionSecretTurnsDevLoginOffUnlessItIsAskedForExplicitly() {
        assertFalse(Settings.fromEnvironment(Map.of("FARMDESK_AUTH_SECRET", SECRET)).devLogin(),
                "a real secret and no FARMDESK_DEV_LOGIN: dev login would mint tokens every instance accepts");
        assertTrue(Settings.fromEnvironment(Map.of("FARMDESK_AUTH_SECRET", SECRET, "FARMDESK_DEV_LOGIN", "true")).devLogin());
        assertFalse(Settings.fromEnvironment(Map.of("FARMDESK_AUTH_SECRET", SECRET, "FARMDESK_DEV_LOGIN", "false")).devLogin());
        assertFalse(Settings.fromEnvironment(Map.of("FARMDESK_AUTH_SECRET", SECRET, "FARMDESK_DEV_LOGIN", " ")).devLogin(),
                "blank counts as unset");
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("FARMDESK_DEV_LOGIN", "false")), "no secret and no dev login: no way in");
    }

    @Test
    void theImagePixelLimitIsFortyMegapixelsUnlessSet() {
        assertEquals(40_000_000L, Settings.fromEnvironment(Map.of()).maxImagePixels());
        assertEquals(16_000_000L, Settings.fromEnvironment(Map.of("FARMDESK_MAX_IMAGE_PIXELS", "16000000")).maxImagePixels());
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_MAX_IMAGE_PIXELS", "0")));
    }

    @Test
    void retentionIsNinetyDaysAndNoCountLimitUnlessSet() {
        Settings d = Settings.fromEnvironment(Map.of());
        assertEquals(Duration.ofDays(90), d.retention());
        assertEquals(0, d.retentionEvents(), "no count limit");
        Settings set = Settings.fromEnvironment(Map.of("FARMDESK_RETENTION_DAYS", "7", "FARMDESK_RETENTION_EVENTS", "5000000000"));
        assertEquals(Duration.ofDays(7), set.retention());
        assertEquals(5_000_000_000L, set.retentionEvents());
        Settings off = Settings.fromEnvironment(Map.of("FARMDESK_RETENTION_DAYS", "0", "FARMDESK_RETENTION_EVENTS", ""));
        assertEquals(Duration.ZERO, off.retention(), "0: no age limit");
        assertEquals(0, off.retentionEvents(), "empty: no count limit");
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_RETENTION_DAYS", "-1")));
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("FARMDESK_RETENTION_EVENTS", "many")));
    }

    @Test
    void theStartLineWarnsThatAnyoneCanSignInWhenDevLoginIsOnWithARealSecret(Servers servers) {
        try (LogCapture log = LogCapture.start()) {
            Farmdesk open = servers.start(settings -> settings.authSecret(SECRET).devLogin(true));
            assertEquals(200, new Api(open.port()).post("/api/dev/token", null,
                    "{\"role\":\"admin\",\"id\":\"A-1\",\"name\":\"x\"}").status());
            List<LogRecord> start = log.records().stream()
                    .filter(r -> r.getMessage() != null && r.getMessage().matches("Farmdesk \\S+ listening on .*")).toList();
            assertEquals(1, start.size(), LogCapture.describe(log.records()));
            assertEquals(Level.WARNING, start.get(0).getLevel());
            assertTrue(start.get(0).getMessage().contains("anyone can sign in"), start.get(0).getMessage());
        }
    }
}
