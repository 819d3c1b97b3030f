package farmdesk;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.sun.management.UnixOperatingSystemMXBean;

import farmdesk.events.Sequencer;
import farmdesk.push.PushSettings;
import farmdesk.hooks.WebhookSettings;
import farmdesk.storage.Database;

/**
 * Everything an operator can set, read once at start from environment variables (see the settings
 * table in docs/api.md). Tests build their own with {@link #builder()} or {@link #toBuilder()}.
 */
public record Settings(int port,
                       String dbUrl,
                       String dbUser,
                       String dbPassword,
                       String authSecret,
                       boolean devLogin,
                       Path webDir,
                       Duration heartbeat,
                       int rateLimit,
                       int streamsPerUser,
                       List<String> corsOrigins,
                       int maxConnections,
                       int recentEventsBytes,
                       Duration retention,
                       long retentionEvents,
                       Duration pruneEvery,
                       String host,
                       int dbPool,
                       int observePort,
                       long maxUploadBytes,
                       Duration uploadExpiry,
                       long maxImagePixels,
                       PushSettings push,
                       WebhookSettings webhooks) {

    public static final String DEFAULT_DB_URL = "jdbc:h2:file:./data/farmdesk";
    /** {@link #maxConnections} when FARMDESK_MAX_CONNECTIONS is not set: from the process's file descriptor limit. */
    public static final int AUTO = -1;
    /** {@link #retention} when FARMDESK_RETENTION_DAYS is not set. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    /** How often the pruner runs ("at least once a minute"); tests make it shorter. */
    public static final Duration DEFAULT_PRUNE_EVERY = Duration.ofMinutes(1);
    /** {@link #observePort} when FARMDESK_OBSERVE_PORT is not set: /observe/* is served on the public port. */
    public static final int SAME_PORT = -1;
    /** HikariCP's own default, which Farmdesk always used: 10 connections (plus one LISTEN connection on PostgreSQL). */
    public static final int DEFAULT_DB_POOL = 10;
    /** {@link #maxUploadBytes} when FARMDESK_MAX_UPLOAD_BYTES is not set: 10 MB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024;
    /** {@link #uploadExpiry} when FARMDESK_UPLOAD_EXPIRY_HOURS is not set. */
    public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);
    /**
     * {@link #maxImagePixels} when FARMDESK_MAX_IMAGE_PIXELS is not set: 40 megapixels, above the 12-24 MP
     * of phone cameras and their 32-40 MP modes, and a bound on what one decoded image holds in memory
     * (4 bytes a pixel: 160 MB; docs/deploy.md "Cleaning images").
     */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 40_000_000L;

    public Settings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be 0..65535, got " + port);
        }
        if (observePort < SAME_PORT || observePort > 65535) {
            throw new IllegalArgumentException("FARMDESK_OBSERVE_PORT must be 0..65535, got " + observePort);
        }
        if (observePort > 0 && observePort == port) {
            throw new IllegalArgumentException("FARMDESK_OBSERVE_PORT must differ from PORT (" + port
                    + "): leave it unset to serve /observe on the public port");
        }
        if (host != null && (host.isBlank() || !host.equals(host.strip()))) {
            throw new IllegalArgumentException("FARMDESK_HOST must be an address or a host name without spaces, got '" + host + "'");
        }
        if (dbPool < Database.MIN_POOL) {
            throw new IllegalArgumentException("FARMDESK_DB_POOL must be at least " + Database.MIN_POOL
                    + " (the migrations at start hold two connections), got " + dbPool);
        }
        if (authSecret != null && authSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("FARMDESK_AUTH_SECRET must be at least 32 bytes");
        }
        if (authSecret == null && !devLogin) {
            throw new IllegalArgumentException("FARMDESK_AUTH_SECRET is required when FARMDESK_DEV_LOGIN is false");
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("FARMDESK_HEARTBEAT_SECONDS must be positive");
        }
        if (maxConnections < AUTO) {
            throw new IllegalArgumentException("FARMDESK_MAX_CONNECTIONS must be >= 0 (0: no limit)");
        }
        if (recentEventsBytes < 0) {
            throw new IllegalArgumentException("FARMDESK_RECENT_EVENTS_BYTES must be >= 0 (0: every resume reads the database)");
        }
        if (retention.isNegative() || retentionEvents < 0) {
            throw new IllegalArgumentException("FARMDESK_RETENTION_DAYS and FARMDESK_RETENTION_EVENTS must be >= 0 (0: no limit)");
        }
        if (pruneEvery.isNegative() || pruneEvery.isZero()) {
            throw new IllegalArgumentException("the pruning period must be positive");
        }
        if (rateLimit < 0 || streamsPerUser < 0) {
            throw new IllegalArgumentException("FARMDESK_RATE_LIMIT and FARMDESK_STREAMS_PER_USER must be >= 0");
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("FARMDESK_MAX_UPLOAD_BYTES must be at least 1, got " + maxUploadBytes);
        }
        if (uploadExpiry.isNegative() || uploadExpiry.isZero()) {
            throw new IllegalArgumentException("FARMDESK_UPLOAD_EXPIRY_HOURS must be positive");
        }
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("FARMDESK_MAX_IMAGE_PIXELS must be at least 1, got " + maxImagePixels);
        }
        if (push == null) {
            throw new IllegalArgumentException("push settings are required");
        }
        if (webhooks == null) {
            throw new IllegalArgumentException("webhook settings missing (WebhookSettings.none() for none)");
        }
        corsOrigins = List.copyOf(corsOrigins);
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("FARMDESK_CORS_ORIGINS: '" + origin
                        + "' is not an origin (scheme://host[:port], no path, no wildcard)");
            }
        }
    }

    /** The embedded demo: port 8080, H2 file under ./data, dev login on, random secret. */
    public static Settings defaults() {
        return new Settings(8080, DEFAULT_DB_URL, null, null, null, true, Path.of("web"),
                Duration.ofSeconds(10), 20, 20, List.of(), AUTO, Sequencer.DEFAULT_RECENT_BYTES,
                DEFAULT_RETENTION, 0, DEFAULT_PRUNE_EVERY,
                null, DEFAULT_DB_POOL, SAME_PORT, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_UPLOAD_EXPIRY,
                DEFAULT_MAX_IMAGE_PIXELS, PushSettings.defaults(), WebhookSettings.none());
    }

    public static Settings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** From these variables (the process's environment, or a test's). */
    public static Settings fromEnvironment(Map<String, String> env) {
        Settings d = defaults();
        String secret = blankToNull(env.get("FARMDESK_AUTH_SECRET"));
        return d.toBuilder()
                .port(intValue(env, "PORT", d.port()))
                .db(env.getOrDefault("FARMDESK_DB_URL", d.dbUrl()), env.get("FARMDESK_DB_USER"), env.get("FARMDESK_DB_PASSWORD"))
                .authSecret(secret)
                // secure default: with a real secret, dev login would mint tokens every instance sharing it
                // accepts (anyone an admin everywhere), so it is on only when said explicitly
                .devLogin(boolValue(env, "FARMDESK_DEV_LOGIN", secret == null))
                .webDir(Path.of(env.getOrDefault("FARMDESK_WEB_DIR", d.webDir().toString())))
                .heartbeat(Duration.ofSeconds(intValue(env, "FARMDESK_HEARTBEAT_SECONDS", (int) d.heartbeat().toSeconds())))
                .rateLimit(intValue(env, "FARMDESK_RATE_LIMIT", d.rateLimit()))
                .maxUploadBytes(longValue(env, "FARMDESK_MAX_UPLOAD_BYTES", d.maxUploadBytes()))
                .uploadExpiry(Duration.ofHours(longValue(env, "FARMDESK_UPLOAD_EXPIRY_HOURS", d.uploadExpiry().toHours())))
                .maxImagePixels(longValue(env, "FARMDESK_MAX_IMAGE_PIXELS", d.maxImagePixels()))
                .streamsPerUser(intValue(env, "FARMDESK_STREAMS_PER_USER", d.streamsPerUser()))
                .corsOrigins(origins(env.get("FARMDESK_CORS_ORIGINS")))
                .maxConnections(intValue(env, "FARMDESK_MAX_CONNECTIONS", d.maxConnections()))
                .recentEventsBytes(intValue(env, "FARMDESK_RECENT_EVENTS_BYTES", d.recentEventsBytes()))
                .retention(Duration.ofDays(intValue(env, "FARMDESK_RETENTION_DAYS", (int) d.retention().toDays())))
                .retentionEvents(longValue(env, "FARMDESK_RETENTION_EVENTS", d.retentionEvents()))
                .host(blankToNull(env.get("FARMDESK_HOST")))
                .dbPool(intValue(env, "FARMDESK_DB_POOL", d.dbPool()))
                .observePort(observePortValue(env))
                .push(PushSettings.fromEnvironment(env))
                .webhooks(WebhookSettings.parse(env.get("FARMDESK_WEBHOOK_URL"), env.get("FARMDESK_WEBHOOK_SECRET"),
                        env.get("FARMDESK_WEBHOOK_PAUSE_AFTER_HOURS"), env.get("FARMDESK_REPLY_WAITING_MINUTES")))
                .build();
    }

    public boolean isH2() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    /** H2 defaults to user "sa" with an empty password; PostgreSQL has no default. */
    public String effectiveDbUser() {
        return dbUser != null ? dbUser : (isH2() ? "sa" : null);
    }

    public String effectiveDbPassword() {
        return dbPassword != null ? dbPassword : (isH2() ? "" : null);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings, to change a few of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sets settings one at a time; {@link #build()} checks them together (the record's constructor). */
    public static final class Builder {
        private int port;
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private String authSecret;
        private boolean devLogin;
        private Path webDir;
        private Duration heartbeat;
        private int rateLimit;
        private int streamsPerUser;
        private List<String> corsOrigins;
        private int maxConnections;
        private int recentEventsBytes;
        private Duration retention;
        private long retentionEvents;
        private Duration pruneEvery;
        private String host;
        private int dbPool;
        private int observePort;
        private long maxUploadBytes;
        private Duration uploadExpiry;
        private long maxImagePixels;
        private PushSettings push;
        private WebhookSettings webhooks;

        private Builder(Settings from) {
            port = from.port;
            dbUrl = from.dbUrl;
            dbUser = from.dbUser;
            dbPassword = from.dbPassword;
            authSecret = from.authSecret;
            devLogin = from.devLogin;
            webDir = from.webDir;
            heartbeat = from.heartbeat;
            rateLimit = from.rateLimit;
            streamsPerUser = from.streamsPerUser;
            corsOrigins = from.corsOrigins;
            maxConnections = from.maxConnections;
            recentEventsBytes = from.recentEventsBytes;
            retention = from.retention;
            retentionEvents = from.retentionEvents;
            pruneEvery = from.pruneEvery;
            host = from.host;
            dbPool = from.dbPool;
            observePort = from.observePort;
            maxUploadBytes = from.maxUploadBytes;
            uploadExpiry = from.uploadExpiry;
            maxImagePixels = from.maxImagePixels;
            push = from.push;
            webhooks = from.webhooks;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The JDBC URL with its user and password (null: the database's default, see {@link #effectiveDbUser()}). */
        public Builder db(String url, String user, String password) {
            this.dbUrl = url;
            this.dbUser = user;
            this.dbPassword = password;
            return this;
        }

        public Builder authSecret(String secret) {
            this.authSecret = secret;
            return this;
        }

        public Builder devLogin(boolean on) {
            this.devLogin = on;
            return this;
        }

        public Builder webDir(Path dir) {
            this.webDir = dir;
            return this;
        }

        public Builder heartbeat(Duration every) {
            this.heartbeat = every;
            return this;
        }

        public Builder rateLimit(int perSecond) {
            this.rateLimit = perSecond;
            return this;
        }

        public Builder streamsPerUser(int streams) {
            this.streamsPerUser = streams;
            return this;
        }

        public Builder corsOrigins(List<String> origins) {
            this.corsOrigins = origins;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder recentEventsBytes(int bytes) {
            this.recentEventsBytes = bytes;
            return this;
        }

        /** Events older than this are pruned (FARMDESK_RETENTION_DAYS; tests use shorter ones); zero: no age limit. */
        public Builder retention(Duration age) {
            this.retention = age;
            return this;
        }

        /** At most this many newest events are kept (FARMDESK_RETENTION_EVENTS); 0: no count limit. */
        public Builder retentionEvents(long events) {
            this.retentionEvents = events;
            return this;
        }

        /** How often the pruner runs (once a minute; tests make it shorter). */
        public Builder pruneEvery(Duration period) {
            this.pruneEvery = period;
            return this;
        }

        /** The address both ports listen on (null: every interface). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The most database connections the pool holds at once. */
        public Builder dbPool(int connections) {
            this.dbPool = connections;
            return this;
        }

        /** A port of its own for /observe/* (0: any free port, for tests; {@link #SAME_PORT}: the public port). */
        public Builder observePort(int port) {
            this.observePort = port;
            return this;
        }

        /** The largest upload accepted (FARMDESK_MAX_UPLOAD_BYTES): larger ones get 413 at creation. */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /** How long an unfinished upload is kept (FARMDESK_UPLOAD_EXPIRY_HOURS; tests use seconds). */
        public Builder uploadExpiry(Duration expiry) {
            this.uploadExpiry = expiry;
            return this;
        }

        /** The largest image (width x height) cleaned (FARMDESK_MAX_IMAGE_PIXELS): larger ones get 415 on completion. */
        public Builder maxImagePixels(long pixels) {
            this.maxImagePixels = pixels;
            return this;
        }

        /** Web Push: VAPID keys, allowed endpoints, previews (docs/api.md "Web Push"). */
        public Builder push(PushSettings settings) {
            this.push = settings;
            return this;
        }

        /** Where and how events are POSTed as signed webhooks (FARMDESK_WEBHOOK_*). */
        public Builder webhooks(WebhookSettings webhooks) {
            this.webhooks = webhooks;
            return this;
        }

        public Settings build() {
            return new Settings(port, dbUrl, dbUser, dbPassword, authSecret, devLogin, webDir, heartbeat,
                    rateLimit, streamsPerUser, corsOrigins, maxConnections, recentEventsBytes,
                    retention, retentionEvents, pruneEvery, host, dbPool, observePort,
                    maxUploadBytes, uploadExpiry, maxImagePixels, push, webhooks);
        }
    }

    /**
     * Open connections the server accepts at once (-1: no limit). Past the limit new connections wait in
     * the listen backlog. By default the process's file descriptor limit minus a reserve for the database,
     * the jars and the JVM: Helidon 4.5 stops listening for good when {@code accept} fails with "too many
     * open files", so a flood of connections must never reach that limit (measured: docs/reliability.md).
     */
    public int effectiveMaxConnections() {
        if (maxConnections > 0) {
            return maxConnections;
        }
        if (maxConnections == 0) {
            return -1;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long fds = unix.getMaxFileDescriptorCount();
            if (fds > 0 && fds < Integer.MAX_VALUE) {
                long reserve = Math.min(256, fds / 4);
                return (int) Math.max(16, fds - reserve);
            }
        }
        return -1;
    }

    /** A comma-separated list of origins; blank or absent is none (no CORS headers at all). */
    static List<String> origins(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(o -> !o.isEmpty())
                .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o).toList();
    }

    /** Whether /observe/* has a port of its own (and is then not served on the public port). */
    public boolean ownObservePort() {
        return observePort != SAME_PORT;
    }

    /** Unset or blank: the public port; otherwise a port number (1..65535: an operator names a real port). */
    private static int observePortValue(Map<String, String> env) {
        int p = intValue(env, "FARMDESK_OBSERVE_PORT", SAME_PORT);
        if (p != SAME_PORT && (p < 1 || p > 65535)) {
            throw new IllegalArgumentException("FARMDESK_OBSERVE_PORT must be 1..65535, got " + p);
        }
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static int intValue(Map<String, String> env, String name, int fallback) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static long longValue(Map<String, String> env, String name, long fallback) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static boolean boolValue(Map<String, String> env, String name, boolean fallback) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }
}
