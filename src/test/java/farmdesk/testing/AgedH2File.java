package farmdesk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * H2 database files that have lived, for tests that must not start only from fresh files. A fresh file
 * only grows at its end; a file that has lived has free space between its chunks, which H2 fills
 * first, and that is where its crash recovery missed acknowledged commits (see storage/Database).
 */
public final class AgedH2File {

    /** A copy of a real file on which kill -9 lost acknowledged posts every time (issue 10, item 0). */
    public static final String REPRO = "/aged-h2/h2-kill9-loss.mv.db";

    private AgedH2File() {
    }

    /** Copies the resource {@code name} to {@code dir/farmdesk.mv.db}; returns the JDBC URL for it. */
    public static String copy(String name, Path dir) {
        Path target = dir.resolve("farmdesk.mv.db");
        try (InputStream in = AgedH2File.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return url(dir);
    }

    /**
     * A file aged here, in a few seconds, into the shape of one that served traffic for a while: most of
     * it free space between chunks, and a live chunk at its end. H2 is opened directly, storing every commit ({@code WRITE_DELAY=0}) and appending every
     * chunk ({@code REUSE_SPACE=FALSE}) and freeing dead chunks at once ({@code RETENTION_TIME=0},
     * instead of after 45 s); many small commits into a scratch table, which is then dropped; then the
     * database stops as if killed. What is left is an empty database in a file of several MB, nearly all
     * of it free space (with the dead chunks' bytes still in it), which H2 fills first when it is opened
     * the usual way.
     */
    public static String churned(Path dir) {
        String url = url(dir) + ";DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;REUSE_SPACE=FALSE;RETENTION_TIME=0";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE aging (id INT PRIMARY KEY, k INT, text VARCHAR(4000))");
            s.execute("CREATE INDEX aging_k ON aging (k, id)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO aging VALUES (?, ?, ?)")) {
                for (int i = 0; i < 800; i++) {
                    insert.setInt(1, i);
                    insert.setInt(2, i % 7);
                    insert.setString(3, "x".repeat(100 + i % 1900));
                    insert.executeUpdate();
                    if (i % 3 == 0) {
                        s.execute("DELETE FROM aging WHERE id < " + (i - 50));
                    }
                }
            }
            s.execute("DROP TABLE aging");
            // no close: a normal close would move the last chunks to the front and cut the file short
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot age an H2 file in " + dir, e);
        }
        return url(dir);
    }

    private static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath();
    }
}
