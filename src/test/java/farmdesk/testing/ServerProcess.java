package farmdesk.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Farmdesk as a separate OS process, so a test can kill it with SIGKILL ({@link #kill()}) or stop it
 * with SIGTERM ({@link #terminate()}) and start it again on the same port and database.
 *
 * <p>It runs {@code java -cp <the test JVM's class path> farmdesk.Main}: the test class path holds
 * target/classes and every dependency jar, and exists in Maven's test phase (the packaged jar and
 * target/libs only come later, in the package phase). Output goes to one log file, appended across
 * restarts, which tests read (e.g. to check that no token reached the log).
 *
 * <p>The one kind of server {@link FarmdeskExtension} does not start: an in-process server shares the
 * test's JVM, so it cannot be killed with SIGKILL or stopped by a signal, and a test of that owns the
 * process's whole life (start, kill, start again on the same port and database) as its subject. Such a
 * test opens it in a try-with-resources around exactly that; {@link #close()} kills what is left.
 */
public final class ServerProcess implements AutoCloseable {

    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private int fileLimit;
    private Process process;

    /** @param dbUrl a database that outlives the process: an H2 file URL or a PostgreSQL database */
    public ServerProcess(String dbUrl, String dbUser, Path log, Map<String, String> extraEnv) {
        this.port = freePort();
        this.log = log;
        this.env = new LinkedHashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("FARMDESK_DB_URL", dbUrl);
        if (dbUser != null) {
            env.put("FARMDESK_DB_USER", dbUser);
        }
        env.put("FARMDESK_AUTH_SECRET", TestSettings.SECRET);
        env.put("FARMDESK_DEV_LOGIN", "true"); // with a secret set, dev login is off unless said (tests sign in with it)
        env.put("FARMDESK_RATE_LIMIT", "0");
        env.put("FARMDESK_STREAMS_PER_USER", "0");
        env.put("FARMDESK_HEARTBEAT_SECONDS", "1");
        env.put("FARMDESK_WEB_DIR", "web");
        env.putAll(extraEnv);
    }

    /** The database for a test run: an H2 file in {@code dir}, or a fresh PostgreSQL database in the postgres run. */
    public static ServerProcess forSuite(Path dir, Map<String, String> extraEnv) {
        if (TestPostgres.selected()) {
            return new ServerProcess(TestPostgres.freshDatabase(), "postgres", dir.resolve("server.log"), extraEnv);
        }
        return new ServerProcess("jdbc:h2:file:" + dir.resolve("farmdesk").toAbsolutePath(), null,
                dir.resolve("server.log"), extraEnv);
    }

    public int port() {
        return port;
    }

    /** Starts the process with this soft limit of open files ({@code ulimit -n}), as a small machine would. */
    public ServerProcess withFileLimit(int limit) {
        this.fileLimit = limit;
        return this;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Process process() {
        return process;
    }

    /** Starts the process and waits (bounded) until {@code /observe/health} answers 200. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "farmdesk.Main"));
        if (fileLimit > 0) {
            // the shell sets the limit and becomes the JVM (exec), so signals still reach the server itself
            command.addAll(0, List.of("/bin/sh", "-c", "ulimit -n " + fileLimit + " && exec \"$0\" \"$@\""));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            process = pb.start();
            Process started = process;
            // if the test JVM ends first (a failed or interrupted run), the server must not outlive it
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; log:\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base().resolve("/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("the server did not become healthy within 60 s; log:\n" + logTail());
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. Waits until the process is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /** SIGTERM: a graceful stop. Does not wait; see {@link #waitFor}. */
    public synchronized void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; returns its exit code, or -1 if it is still running at the end. */
    public int waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String logTail() {
        String all = log();
        return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
