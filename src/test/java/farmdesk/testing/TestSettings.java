package farmdesk.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import farmdesk.Settings;

/** Settings for a Farmdesk under test: port 0, a fresh database, a known secret, limits off. */
public final class TestSettings {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    private TestSettings() {
    }

    /** A fresh in-memory H2 database, private to this call. */
    public static Settings inMemory() {
        return Settings.defaults()
                .withPort(0)
                .withDb("jdbc:h2:mem:farmdesk-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null)
                .withAuth(SECRET, true)
                .withHeartbeat(Duration.ofSeconds(2))
                .withLimits(0, 0)
                .withWebDir(Path.of("web"));
    }

    /** An H2 file database in {@code dir} (survives restarts of the service). */
    public static Settings file(Path dir) {
        return inMemory().withDb("jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath(), null, null);
    }
}
