package farmdesk.push;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import farmdesk.Settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Web Push settings as an operator writes them in the environment (README settings table). */
class PushSettingsTest {

    @Test
    void defaultsAndTheEnvironment() {
        PushSettings none = Settings.fromEnvironment(Map.of()).push();
        assertNull(none.vapidPublicKey());
        assertTrue(none.preview());
        assertEquals(List.of(), none.endpointAllow());
        assertEquals(PushSettings.DEFAULT_SUBJECT, none.vapidSubject());

        PushSettings set = PushSettings.fromEnvironment(Map.of(
                "FARMDESK_PUSH_ENDPOINT_ALLOW", " http://127.0.0.1:9000/push/ , http://push.local/a/",
                "FARMDESK_PUSH_PREVIEW", "false",
                "FARMDESK_VAPID_SUBJECT", "mailto:ops@market.example"));
        assertEquals(List.of("http://127.0.0.1:9000/push/", "http://push.local/a/"), set.endpointAllow());
        assertFalse(set.preview());
        assertEquals("mailto:ops@market.example", set.vapidSubject());

        assertThrows(IllegalArgumentException.class, () -> PushSettings.fromEnvironment(Map.of("FARMDESK_PUSH_PREVIEW", "maybe")));
        assertThrows(IllegalArgumentException.class, () -> PushSettings.fromEnvironment(Map.of("FARMDESK_VAPID_SUBJECT", "ops@x")));
        assertThrows(IllegalArgumentException.class, () -> PushSettings.fromEnvironment(Map.of("FARMDESK_VAPID_PUBLIC_KEY", "BAAA")));
        assertThrows(IllegalArgumentException.class, () -> PushSettings.fromEnvironment(Map.of(
                "FARMDESK_VAPID_PUBLIC_KEY", "BAAA", "FARMDESK_VAPID_PRIVATE_KEY", "AAAA")), "not a key");
        assertThrows(IllegalArgumentException.class, () -> PushSettings.fromEnvironment(Map.of(
                "FARMDESK_PUSH_ENDPOINT_ALLOW", "http://127.0.0.1:9000")), "an origin without a path");
    }

    @Test
    void theGracePeriodAndTheGroupingWindow() {
        PushSettings none = PushSettings.fromEnvironment(Map.of());
        assertEquals(java.time.Duration.ofSeconds(30), none.grace());
        assertEquals(java.time.Duration.ofSeconds(180), none.group());
        PushSettings set = PushSettings.fromEnvironment(Map.of(
                "FARMDESK_PUSH_GRACE_SECONDS", "0", "FARMDESK_PUSH_GROUP_SECONDS", " 600 "));
        assertEquals(java.time.Duration.ZERO, set.grace());
        assertEquals(java.time.Duration.ofSeconds(600), set.group());
        for (String bad : List.of("-1", "1.5", "soon", "3601")) {
            assertThrows(IllegalArgumentException.class,
                    () -> PushSettings.fromEnvironment(Map.of("FARMDESK_PUSH_GRACE_SECONDS", bad)), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> PushSettings.fromEnvironment(Map.of("FARMDESK_PUSH_GROUP_SECONDS", "86401")), "more than a day");
    }
}
