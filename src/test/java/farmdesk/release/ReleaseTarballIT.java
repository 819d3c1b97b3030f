package farmdesk.release;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jwt.SignedJWT;

import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The release tarball as an operator uses it: unpacked, its {@code bin/farmdesk} run through a chain
 * of symlinks from another working directory, serving pages and health, minting a token, and
 * stopping cleanly on SIGTERM. Runs in Maven's integration-test phase (the pom's "release"
 * execution), after package built {@code target/farmdesk-<version>.tar.gz}.
 */
class ReleaseTarballIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void theLauncherRunsFromAnywhereServesAndStopsCleanly() throws Exception {
        Path home = unpack();
        Path launcher = linkedFromElsewhere(home);
        Path workDir = Files.createDirectories(tmp.resolve("work"));
        int port = freePort();
        int observePort = freePort();
        Path log = tmp.resolve("server.log");

        ProcessBuilder pb = new ProcessBuilder(launcher.toString()).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = baseEnvironment(pb);
        env.put("PORT", Integer.toString(port));
        env.put("FARMDESK_HOST", "127.0.0.1");
        env.put("FARMDESK_OBSERVE_PORT", Integer.toString(observePort));
        env.put("JAVA_OPTS", "-Xmx256m -Dfarmdesk.release.check=opts");
        Process server = pb.start();
        try {
            waitForHealth(server, observePort, log);
            // exec: the process started is the JVM itself (so SIGTERM reaches it), with JAVA_OPTS
            List<String> jvmArgs = List.of(server.info().arguments().orElse(new String[0]));
            assertTrue(server.info().command().orElse("").endsWith("/java"), server.info().toString());
            assertTrue(jvmArgs.contains("-Xmx256m") && jvmArgs.contains("-Dfarmdesk.release.check=opts"), jvmArgs.toString());

            // the pages from the tarball's web/, wherever the working directory is
            HttpResponse<String> page = get(port, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Farmdesk"), page.body());
            HttpResponse<String> farmer = get(port, "/farmer.html");
            assertEquals(200, farmer.statusCode());
            // its modules in one bundle (built into the jar for exactly the tarball's web/: WebBundles)
            assertTrue(farmer.body().contains("/farmer.bundle.js\""), farmer.body());
            assertEquals(404, get(port, "/observe/health").statusCode(), "health only on the observe port");
            // the embedded H2 file under the working directory, as documented
            assertTrue(Files.exists(workDir.resolve("data/farmdesk.mv.db")));

            // the token command of the same launcher, through the same symlinks: one line, a JWT
            Path tokenOut = tmp.resolve("token.out");
            Path tokenErr = tmp.resolve("token.err");
            ProcessBuilder token = new ProcessBuilder(launcher.toString(), "token", "--role", "admin", "--id", "A-7",
                    "--name", "Ravi", "--ttl", "8h").directory(workDir.toFile())
                    .redirectOutput(tokenOut.toFile()).redirectError(tokenErr.toFile());
            baseEnvironment(token);
            assertEquals(0, waitFor(token.start()), Files.readString(tokenErr));
            List<String> lines = Files.readAllLines(tokenOut);
            assertEquals(1, lines.size(), lines.toString());
            SignedJWT jwt = SignedJWT.parse(lines.get(0));
            assertEquals("A-7", jwt.getJWTClaimsSet().getSubject());
            HttpResponse<String> tickets = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tickets"))
                    .header("Authorization", "Bearer " + lines.get(0)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tickets.statusCode(), tickets.body());

            // SIGTERM: the graceful stop runs and the JVM exits with 143 (the unit's SuccessExitStatus)
            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
            assertEquals(143, server.exitValue(), Files.readString(log));
            String output = Files.readString(log);
            assertTrue(output.matches("(?s).*Farmdesk \\S+ listening on .*"), output); // the start line names the version
            assertTrue(!output.contains("Exception"), output);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void withoutJavaHomeTheLauncherUsesJavaOnThePathAndItsCommandsExit() throws Exception {
        Path launcher = unpack().resolve("bin/farmdesk");
        Path out = tmp.resolve("token.out");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "token", "--role", "farmer", "--id", "F-1")
                .directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(tmp.resolve("token.err").toFile());
        Map<String, String> env = baseEnvironment(pb);
        env.remove("JAVA_HOME");
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        assertEquals(0, waitFor(pb.start()), Files.readString(tmp.resolve("token.err")));
        assertEquals(1, Files.readAllLines(out).size());

        // migrate: applies the migrations to the (H2) database of this working directory and exits
        Path migrateOut = tmp.resolve("migrate.out");
        ProcessBuilder migrate = new ProcessBuilder(launcher.toString(), "migrate").directory(tmp.toFile())
                .redirectOutput(migrateOut.toFile()).redirectError(tmp.resolve("migrate.err").toFile());
        baseEnvironment(migrate);
        assertEquals(0, waitFor(migrate.start()), Files.readString(tmp.resolve("migrate.err")));
        assertTrue(Files.readString(migrateOut).contains("migration(s) applied"), Files.readString(migrateOut));
        assertTrue(Files.exists(tmp.resolve("data/farmdesk.mv.db")));

        // the example environment file as shipped (no secret yet): refused with the reason and exit 2,
        // which the unit does not restart (RestartPreventExitStatus=2)
        Path refusedErr = tmp.resolve("refused.err");
        ProcessBuilder unconfigured = new ProcessBuilder("/bin/sh", "-c",
                "set -a; . \"$0\"; set +a; exec \"$1\"", launcher.getParent().getParent().resolve("farmdesk.env.example").toString(),
                launcher.toString()).directory(tmp.toFile()).redirectOutput(tmp.resolve("refused.out").toFile())
                .redirectError(refusedErr.toFile());
        baseEnvironment(unconfigured).remove("FARMDESK_AUTH_SECRET");
        assertEquals(2, waitFor(unconfigured.start()), Files.readString(refusedErr));
        assertTrue(Files.readString(refusedErr).contains("farmdesk: FARMDESK_AUTH_SECRET is required"), Files.readString(refusedErr));

        ProcessBuilder wrong = new ProcessBuilder(launcher.toString(), "token", "--role", "root")
                .directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(tmp.resolve("wrong.err").toFile());
        baseEnvironment(wrong);
        assertEquals(2, waitFor(wrong.start()));
        assertEquals("", Files.readString(out));
        assertTrue(Files.readString(tmp.resolve("wrong.err")).contains("usage: farmdesk token"));
    }

    /** The tarball Maven built; outside the pom's release execution (an IDE), skipped when not built yet. */
    private Path unpack() throws IOException, InterruptedException {
        String property = System.getProperty("farmdesk.release.tarball");
        Path tarball;
        if (property != null) {
            tarball = Path.of(property);
            assertTrue(Files.isRegularFile(tarball), "mvn package did not build " + tarball);
        } else {
            try (Stream<Path> built = Files.list(Path.of("target"))) {
                tarball = built.filter(p -> p.getFileName().toString().matches("farmdesk-.*\\.tar\\.gz")).findFirst().orElse(null);
            }
            assumeTrue(tarball != null, "no target/farmdesk-*.tar.gz: run mvn package first");
        }
        Path into = Files.createDirectories(tmp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", into.toString())
                .inheritIO().start();
        assertEquals(0, waitFor(tar));
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        Path home = into.resolve(name);
        for (String part : List.of("bin/farmdesk", "lib/farmdesk.jar", "web/index.html", "farmdesk.service",
                "farmdesk.env.example")) {
            assertTrue(Files.exists(home.resolve(part)), part + " missing from the tarball");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/farmdesk")));
        return home;
    }

    /** /usr/local/bin/farmdesk → ../../links/farmdesk (relative) → <home>/bin/farmdesk (absolute). */
    private Path linkedFromElsewhere(Path home) throws IOException {
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("farmdesk"), home.resolve("bin/farmdesk"));
        Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
        return Files.createSymbolicLink(bin.resolve("farmdesk"), Path.of("../../../links/farmdesk"));
    }

    private static Map<String, String> baseEnvironment(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FARMDESK_") || k.equals("PORT") || k.equals("JAVA_OPTS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FARMDESK_AUTH_SECRET", TestSettings.SECRET);
        return env;
    }

    private static void waitForHealth(Process server, int observePort, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the launcher exited with " + server.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            try {
                if (get(observePort, "/observe/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("not healthy within 60 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int waitFor(Process p) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("still running after 60 s");
        }
        return p.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
