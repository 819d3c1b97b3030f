package farmdesk.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Gives an H2 file its free space back when Farmdesk starts, if most of the file is free space.
 *
 * <p>Farmdesk runs H2 with {@code REUSE_SPACE=FALSE} (see {@link Database#DURABLE}): while the database
 * is open, H2 writes every commit after the last block in use and never into space it freed, so the
 * file grows by about one chunk per commit (its size: docs/benchmarks.md, "Figures behind code
 * comments"). H2 can only give that space back with the database closed: {@code SHUTDOWN COMPACT}
 * copies the live data into a new file and swaps it in atomically (a kill meanwhile leaves the old
 * file as it was). So before the pool opens the database, this opens it alone, asks H2 how much of
 * the file is live, and compacts when less than half is; small files are left alone without being
 * opened.
 */
final class H2Compaction {

    private static final Logger LOG = Logger.getLogger(H2Compaction.class.getName());

    /** Below this a file is never compacted at start (a second open is not worth the time). */
    static final long MIN_BYTES = 64L << 20;

    private H2Compaction() {
    }

    /** @param url an H2 URL with Farmdesk's options already in it */
    static void ifWorthIt(String url, String user, String password) {
        ifWorthIt(url, user, password, MIN_BYTES);
    }

    static void ifWorthIt(String url, String user, String password, long minBytes) {
        Path file = fileOf(url);
        try {
            if (file == null || !Files.exists(file) || Files.size(file) < minBytes) {
                return;
            }
            long before = Files.size(file);
            long began = System.nanoTime();
            // MAX_COMPACT_TIME=0: when nothing is compacted, the close below writes nothing
            String alone = Database.h2Options(url).containsKey("MAX_COMPACT_TIME") ? url : url + ";MAX_COMPACT_TIME=0";
            try (Connection c = DriverManager.getConnection(alone, user, password == null ? "" : password);
                 Statement s = c.createStatement()) {
                long live = liveBytes(s);
                if (live * 2 >= before) {
                    return;
                }
                LOG.info(() -> "H2 file " + file + ": " + mb(before) + " MB, about " + mb(live)
                        + " MB of it live; compacting before start");
                s.execute("SHUTDOWN COMPACT");
            }
            LOG.info(() -> "H2 file compacted: " + mb(before) + " MB -> " + mb(size(file)) + " MB in "
                    + (System.nanoTime() - began) / 1_000_000 + " ms");
        } catch (IOException | SQLException e) {
            // an optimisation only: the pool opens the database next and reports what is really wrong
            LOG.warning("H2 file " + file + " not compacted: " + e.getMessage());
        }
    }

    /** Live bytes by H2's own figures: the share of the file in chunks, times the share of chunks still live. */
    private static long liveBytes(Statement s) throws SQLException {
        Map<String, Long> info = new HashMap<>();
        try (ResultSet r = s.executeQuery("SELECT setting_name, setting_value FROM information_schema.settings"
                + " WHERE setting_name IN ('info.FILE_SIZE', 'info.FILL_RATE', 'info.CHUNKS_FILL_RATE')")) {
            while (r.next()) {
                info.put(r.getString(1), Long.parseLong(r.getString(2)));
            }
        }
        if (info.size() < 3) {
            return Long.MAX_VALUE; // not told: leave the file alone
        }
        return info.get("info.FILE_SIZE") * info.get("info.FILL_RATE") / 100 * info.get("info.CHUNKS_FILL_RATE") / 100;
    }

    /** The {@code .mv.db} file of an embedded H2 URL ({@code jdbc:h2:file:...} or a plain path), else null. */
    static Path fileOf(String url) {
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.toLowerCase(Locale.ROOT).startsWith("file:")) {
            name = name.substring("file:".length());
        } else if (!(name.startsWith("/") || name.startsWith("./") || name.startsWith("../"))) {
            return null; // mem:, tcp://, ssl://, ~ and other file systems: not ours to compact
        }
        if (name.startsWith("~")) {
            return null;
        }
        return Path.of(name + ".mv.db");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }
}
