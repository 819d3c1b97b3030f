package farmdesk.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The database: one HikariCP pool shared by the Helidon DB client and Flyway. The schema comes from
 * the migrations in {@code sql/} (packaged as {@code db/migration}), applied at start.
 */
public final class Database implements AutoCloseable {

    /**
     * What an H2 file needs so that a commit answered 201 is still there after kill -9 (issue 10, item 0).
     *
     * <p>{@code WRITE_DELAY=0}: H2 writes committed changes up to {@code WRITE_DELAY} ms later by default
     * (its background writer), so a process killed in between lost commits it had acknowledged. With 0
     * there is no background writer, and every commit writes its MVStore chunk into the file
     * ({@code TransactionStore.endTransaction} → {@code MVStore.commit()} → {@code pwrite}) before JDBC's
     * {@code commit()} returns. The OS keeps that write when the process dies.
     *
     * <p>That was not enough ({@code REUSE_SPACE=FALSE}). Being in the file is one thing; being found
     * in it is another. After a kill, H2 (2.2 to 2.5.252, the version used here) looks for the newest
     * chunk in two ways only: from the store header (the file's first two blocks) along each chunk's
     * {@code next} field (where the following chunk was predicted to go), and as the chunk nearest the
     * end of the file. A file that has lived has free space between its chunks (a chunk that died more
     * than {@code RETENTION_TIME}, 45 s, ago is freed), and H2 puts each new chunk into the first gap
     * that fits. When a chunk lands somewhere else than its predecessor predicted, H2 rewrites the
     * header, but the header it writes still names the previous chunk ({@code FileStore.storeBuffer}
     * sets {@code lastChunk} only after {@code writeChunk} wrote the header: so since 2.5.250; 2.4.240
     * and older set it first), whose {@code next} points elsewhere (written up for upstream, with a
     * fix: docs/upstream/h2-lost-commits-after-kill.md). The new chunk, and those written after it,
     * can then be found neither way until the next header write (the next missed prediction, or 20
     * versions later). kill -9 in that window rolls the database back to the older chunk without a
     * word: acknowledged posts are gone, and the identity sequences, stored in the same chunks, hand
     * their ids out again.
     *
     * <p>The issue's file (src/test/resources/aged-h2/) showed it 3 of 3 times by hand (whether the first
     * chunk lands in a gap depends on its size, so AgedH2FileKillTest does not always catch it; the
     * churned-file ChaosTest does, 3 of 3 without this setting): its header names chunk 0x1a
     * (predicted next: block 0x35, the end of the file); the first chunk after opening goes into a gap
     * at block 5 and is lost, and so is everything up to the kill. The file still holds chunks
     * 0x1b–0x20, the posts lost that way before it was copied. A fresh file grows only at its end, where
     * the second way finds each chunk, until its first chunks are freed after 45 s of traffic; then it
     * loses commits too (a fresh file written for 60 s lost its last commit in 1 of 3 runs).
     * Not the cause: the {@code WRITE_DELAY} stored in a file (the URL's value, or H2's default of 500,
     * is applied after the stored settings when H2 opens a database), {@code MAX_COMPACT_TIME} (only at
     * a normal close), the file format (3, current).
     *
     * <p>{@code REUSE_SPACE=FALSE} (an H2 database setting, read when the database opens, never stored)
     * makes H2 put every chunk after the last block in use, so the newest chunk is the one nearest the
     * end of the file, whatever the header says. The price is disk: space freed while the database is
     * open is not used again, until {@link H2Compaction} gives it back at the next start (see
     * docs/deploy.md).
     */
    static final Map<String, String> DURABLE =
            Collections.unmodifiableMap(new TreeMap<>(Map.of("WRITE_DELAY", "0", "REUSE_SPACE", "FALSE")));

    /**
     * Flyway holds two connections at once while it migrates: with a pool of one it waited for a second
     * until the pool's timeout and failed (found by MigrateCommandTest).
     */
    public static final int MIN_POOL = 2;

    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password|passwd|pwd|sslpassword)=[^&;]*");
    private static final Pattern USERINFO_IN_URL = Pattern.compile("//([^/:@;?]+):[^/@;?]*@");

    private final HikariDataSource pool;
    private final DbClient client;
    private final boolean postgres;

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
        this.client = JdbcClientBuilder.create()
                .connectionPool(() -> {
                    try {
                        return pool.getConnection();
                    } catch (SQLException e) {
                        throw new DbClientException("No database connection: " + e.getMessage(), e);
                    }
                })
                .build();
    }

    /** With HikariCP's default pool of 10 connections. */
    public static Database open(String url, String user, String password) {
        return open(url, user, password, 10);
    }

    /** @param poolSize the most connections held at once (FARMDESK_DB_POOL) */
    public static Database open(String url, String user, String password, int poolSize) {
        String jdbcUrl = withH2Options(url);
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            H2Compaction.ifWorthIt(jdbcUrl, user, password);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("farmdesk");
        config.setMaximumPoolSize(poolSize);
        // Fail fast when the database is away: requests answer 503 instead of hanging.
        config.setConnectionTimeout(3000);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(config);
        boolean postgres = url.startsWith("jdbc:postgresql:");
        try {
            MigrateResult migrated = migrate(ds);
            LOG.info("database " + (postgres ? "PostgreSQL" : "H2") + " " + withoutSecrets(url)
                    + (user == null || user.isEmpty() ? "" : " as " + user) + "; " + describe(migrated));
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, postgres);
    }

    /** What Flyway did at this start: the versions it applied (if any) and the schema's version now. */
    static String describe(MigrateResult migrated) {
        String now = migrated.targetSchemaVersion != null ? migrated.targetSchemaVersion
                : migrated.initialSchemaVersion;
        if (migrated.migrationsExecuted == 0) {
            return "schema version " + now + ", no migration to apply";
        }
        return "applied " + migrated.migrationsExecuted + " migration(s) ("
                + migrated.migrations.stream().map(m -> m.version).collect(Collectors.joining(", "))
                + "), schema version " + (migrated.initialSchemaVersion == null ? "none" : migrated.initialSchemaVersion)
                + " -> " + now;
    }

    /** The JDBC URL as it can be logged: a password in it ({@code password=}, {@code user:password@}) replaced. */
    static String withoutSecrets(String url) {
        return PASSWORD_IN_URL.matcher(USERINFO_IN_URL.matcher(url).replaceAll("//$1:[redacted]@"))
                .replaceAll("$1=[redacted]");
    }

    /**
     * Applies the migrations not yet applied ({@code bin/farmdesk migrate}), and nothing else: no pool
     * beyond one connection, no server. With every migration applied already, it only reads Flyway's
     * history table.
     */
    public static MigrateResult migrateOnly(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withH2Options(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("farmdesk-migrate");
        config.setMaximumPoolSize(MIN_POOL); // Flyway holds two connections at once
        config.setInitializationFailTimeout(10_000);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            return migrate(ds);
        }
    }

    /**
     * Flyway, from {@code classpath:db/migration} (sql/ in the jar). When nothing is pending it reads the
     * history table and validates the checksums of the applied migrations: no DDL, so a login with only
     * the run-time rights can start once an operator has migrated (docs/deploy.md "Upgrades").
     */
    private static MigrateResult migrate(DataSource ds) {
        return Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /**
     * The H2 options Farmdesk needs, added to the URL unless it sets them itself:
     * <ul>
     * <li>{@code DATABASE_TO_LOWER=TRUE}: H2 folds unquoted names to upper case otherwise; lower case
     *     matches PostgreSQL, so the same column names work on both;</li>
     * <li>{@code WRITE_DELAY=0} and {@code REUSE_SPACE=FALSE} on a file, so that every commit is in
     *     the file before the answer, where H2 finds it again after kill -9 (see {@link #DURABLE});
     *     a URL that asks for other values is refused;</li>
     * <li>{@code DB_CLOSE_ON_EXIT=FALSE}: H2's own shutdown hook would close the database under the
     *     requests still in progress on SIGTERM (their commits fail, some after they were stored);
     *     Farmdesk.close() closes it after they answered.</li>
     * </ul>
     */
    static String withH2Options(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        Map<String, String> given = h2Options(url);
        StringBuilder u = new StringBuilder(url);
        if (!given.containsKey("DATABASE_TO_LOWER")) {
            u.append(";DATABASE_TO_LOWER=TRUE");
        }
        if (!url.toUpperCase(Locale.ROOT).startsWith("JDBC:H2:MEM:")) {
            DURABLE.forEach((name, value) -> {
                String asked = given.get(name);
                if (asked == null) {
                    u.append(';').append(name).append('=').append(value);
                } else if (!asked.equalsIgnoreCase(value)) {
                    throw new IllegalArgumentException("FARMDESK_DB_URL sets " + name + "=" + asked + ": Farmdesk needs "
                            + name + "=" + value + " on an H2 file, or posts it acknowledged can be lost when the"
                            + " process dies (see docs/deploy.md); leave it out of the URL");
                }
            });
        }
        if (!given.containsKey("DB_CLOSE_ON_EXIT")) {
            u.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        return u.toString();
    }

    /** The {@code ;NAME=value} settings of an H2 URL, by upper-case name. */
    static Map<String, String> h2Options(String url) {
        Map<String, String> options = new LinkedHashMap<>();
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                options.put(parts[i].substring(0, eq).trim().toUpperCase(Locale.ROOT), parts[i].substring(eq + 1).trim());
            }
        }
        return options;
    }

    /** The pool's live counts (active, idle, waiting threads), for the metrics. */
    public HikariPoolMXBean poolStats() {
        return pool.getHikariPoolMXBean();
    }

    /** The pool's size limit. */
    public int poolSize() {
        return pool.getMaximumPoolSize();
    }

    public DbClient client() {
        return client;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** A cheap round trip, for the readiness check. */
    public boolean ping() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
