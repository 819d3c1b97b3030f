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

    /**
     * A fresh database private to this call: in-memory H2, or a new database on the test PostgreSQL
     * when the suite runs with {@code -Dfarmdesk.test.db=postgres} (the pom's "postgres" execution).
     */
    public static Settings inMemory() {
        return builder().build();
    }

    /** {@link #inMemory()}'s settings, to change a few before building them. */
    public static Settings.Builder builder() {
        return Settings.builder()
                .port(0)
                .db(freshDbUrl(), TestPostgres.selected() ? "postgres" : null, null)
                .authSecret(SECRET)
                .devLogin(true)
                .heartbeat(Duration.ofSeconds(2))
                .rateLimit(0)
                .streamsPerUser(0)
                .webDir(Path.of("web"));
    }

    /** A database that survives restarts of the service: an H2 file in {@code dir}, or a PostgreSQL database. */
    public static Settings file(Path dir) {
        if (TestPostgres.selected()) {
            return inMemory();
        }
        return builder().db("jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath(), null, null).build();
    }

    /** A fresh database on the test PostgreSQL, whichever database the suite runs on. */
    public static Settings postgres() {
        return builder().db(TestPostgres.freshDatabase(), "postgres", null).build();
    }

    private static String freshDbUrl() {
        return TestPostgres.selected()
                ? TestPostgres.freshDatabase()
                : "jdbc:h2:mem:farmdesk-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
