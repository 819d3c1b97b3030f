package farmdesk.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A stock nginx running the operators' example, docs/deploy/nginx.conf, as it is in the repository: only
 * its addresses are replaced (the listen address 127.0.0.1:8080, the upstream instances 127.0.0.1:8081
 * and :8082), so what is tested is the file operators copy. It runs in the foreground ({@code daemon off})
 * as this test's child, with a prefix folder of its own (pid file, logs, temp files).
 *
 * <p>The file can be swapped with {@code -Dfarmdesk.test.nginxConf=<path>} (to show that a test fails on
 * an older configuration).
 */
public final class NginxExample implements AutoCloseable {

    private static final Path CONF = Path.of(System.getProperty("farmdesk.test.nginxConf", "docs/deploy/nginx.conf"));

    private final Path prefix;
    private final Path conf;
    private final int port;
    private final Process master;
    private final boolean tls;

    private NginxExample(Path prefix, Path conf, int port, Process master, boolean tls) {
        this.tls = tls;
        this.prefix = prefix;
        this.conf = conf;
        this.port = port;
        this.master = master;
    }

    /** Starts nginx in {@code prefix} in front of the instances on {@code portA} and {@code portB}. */
    public static NginxExample start(Path prefix, int portA, int portB) throws IOException {
        return start(prefix, portA, portB, false);
    }

    /**
     * Starts nginx with the file's TLS lines turned on, as the operator does: {@code listen ... ssl http2}
     * instead of the plain listen, and the certificate lines with a self-signed certificate for 127.0.0.1
     * made here ({@code prefix/cert.pem}, for the client to trust).
     */
    public static NginxExample startWithTls(Path prefix, int portA, int portB) throws IOException {
        return start(prefix, portA, portB, true);
    }

    private static NginxExample start(Path prefix, int portA, int portB, boolean tls) throws IOException {
        String nginx = binary();
        int port = freePortForNginx();
        Files.createDirectories(prefix);
        String text = Files.readString(CONF);
        text = replaceOnce(text, "server 127.0.0.1:8081 ", "server 127.0.0.1:" + portA + " ");
        text = replaceOnce(text, "server 127.0.0.1:8082 ", "server 127.0.0.1:" + portB + " ");
        if (tls) {
            selfSignedCertificate(prefix);
            text = replaceOnce(text, "listen 127.0.0.1:8080;", "");
            text = replaceOnce(text, "# listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;");
            text = text.replaceFirst("# ssl_certificate +/etc/\\S+;", "ssl_certificate " + prefix.resolve("cert.pem") + ";");
            text = text.replaceFirst("# ssl_certificate_key +/etc/\\S+;", "ssl_certificate_key " + prefix.resolve("key.pem") + ";");
            text = replaceOnce(text, "# ssl_protocols", "ssl_protocols");
            text = replaceOnce(text, "# ssl_session_cache", "ssl_session_cache");
            if (text.contains("# ssl_certificate")) {
                throw new IllegalStateException("docs/deploy/nginx.conf: the certificate lines were not found");
            }
        } else {
            text = replaceOnce(text, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + port + ";");
        }
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, text);
        Process master = new ProcessBuilder(nginx, "-c", conf.toString(), "-p", prefix + "/", "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("nginx.out").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(master::destroyForcibly));
        NginxExample started = new NginxExample(prefix, conf, port, master, tls);
        started.awaitListening();
        return started;
    }

    public URI base() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
    }

    /** The certificate nginx presents with TLS (self-signed), for a client to trust. */
    public Path certificate() {
        return prefix.resolve("cert.pem");
    }

    /** The worker processes now (children of the master). */
    public Set<ProcessHandle> workers() {
        return master.toHandle().children().collect(Collectors.toSet());
    }

    /** What an operator does after changing the file: {@code nginx -s reload} (a HUP to the master). */
    public void reload() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary(), "-c", conf.toString(), "-p", prefix + "/", "-s", "reload")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("nginx -s reload failed: " + out);
        }
    }

    public String errorLog() throws IOException {
        return read("error.log");
    }

    public String accessLog() throws IOException {
        return read("access.log");
    }

    /** Stops nginx (SIGTERM: its fast shutdown) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        master.destroy();
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            master.destroyForcibly();
        }
    }

    private String read(String name) throws IOException {
        Path file = prefix.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("nginx exited with " + master.exitValue() + ": "
                        + Files.readString(prefix.resolve("nginx.out")) + errorLog());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("nginx does not listen on " + port + ": " + errorLog());
    }

    private static void selfSignedCertificate(Path dir) throws IOException {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl req failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("nginx is not installed (apt-get install nginx; .ci/run does it)");
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        if (at < 0 || text.indexOf(what, at + 1) >= 0) {
            throw new IllegalStateException("docs/deploy/nginx.conf should hold \"" + what + "\" exactly once");
        }
        return text.replace(what, with);
    }

    /** A free port in 20030-20049, the range kept for this test's nginx (the lab proxies use 20010-20015). */
    private static int freePortForNginx() {
        List<Integer> ports = new ArrayList<>();
        for (int p = 20030; p <= 20049; p++) {
            ports.add(p);
        }
        Collections.shuffle(ports);
        for (int p : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", p));
                return p;
            } catch (IOException taken) {
                // the next one
            }
        }
        throw new IllegalStateException("no free port in 20030-20049 for nginx");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
