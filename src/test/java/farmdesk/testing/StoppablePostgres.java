package farmdesk.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL of one test's own, for a database outage under a running Farmdesk: {@link #stop()} it, then
 * {@link #startAgain()} on the same port and data directory, so the servers' URL and data stay valid.
 * {@link TestPostgres}, which the whole run shares, is never stopped.
 *
 * <p>Servers on it must stop before it does (a graceful stop waits on a pool with no database): tests
 * start them with {@code Farmdesk.start} in a try-with-resources inside the one that holds this.
 */
public final class StoppablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private final String jdbcUrl;
    private EmbeddedPostgres running;

    private StoppablePostgres(Path dataDirectory, int port) throws IOException {
        this.dataDirectory = dataDirectory;
        this.port = port;
        startAgain();
        this.jdbcUrl = running.getJdbcUrl("postgres", "postgres");
    }

    /** A new PostgreSQL with its data in {@code dir}/pg, on a free port it keeps across restarts. */
    public static StoppablePostgres start(Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new StoppablePostgres(dir.resolve("pg"), port);
    }

    /** The URL of its {@code postgres} database, valid again after {@link #startAgain()}. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Stops it (the outage); its data stays. */
    public void stop() throws IOException {
        EmbeddedPostgres pg = running;
        running = null;
        pg.close();
    }

    /** Starts it again on the same port and data (the database comes back). */
    public void startAgain() throws IOException {
        running = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    /** Stops it if it is running. */
    @Override
    public void close() throws IOException {
        if (running != null) {
            stop();
        }
    }
}
