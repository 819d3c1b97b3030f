import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Farmdesk-specific helper for bench/run.sh (JDK only, single file, Java 21+):
 *
 * <pre>
 *   java PostBench.java setup --base http://127.0.0.1:19101 --tickets 1000 --out DIR
 *       dev tokens (admin A-bench, farmer F-bench) and N tickets created as the farmer;
 *       writes DIR/admin.token, DIR/farmer.token, DIR/tickets.txt (one TKT-n per line)
 *   java PostBench.java posts --base URL --token T --tickets FILE --conns 16 --seconds 10
 *       [--stuck N --stuck-path /api/admin/events] [--label L]
 *       durable posts: C keep-alive connections POST messages as fast as the server answers
 *       (closed loop), spread round-robin over the tickets, for S seconds; with --stuck, N SSE
 *       subscribers that never read their socket are opened first (the slow-subscriber case).
 *       Prints a RESULT line: rate (2xx answers/s), p50/p99/max POST latency in ms.
 *   java PostBench.java latest --base URL --token T --path /api/tickets/TKT-1001/events/poll
 *       prints the "next" of a poll without after (the newest event id of the log)
 * </pre>
 *
 * The HTTP client is a minimal blocking HTTP/1.1 one (content-length and chunked answers), so the
 * client costs little CPU next to the server on a small machine.
 */
public class PostBench {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PostBench setup|posts|latest [options]  (see the source header)");
            System.exit(2);
        }
        Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "setup" -> setup(o);
            case "posts" -> posts(o);
            case "latest" -> latest(o);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- setup

    static void setup(Map<String, String> o) throws Exception {
        URI base = URI.create(o.get("base"));
        int n = Integer.parseInt(o.getOrDefault("tickets", "1000"));
        Path out = Path.of(o.getOrDefault("out", "."));
        Files.createDirectories(out);
        String admin, farmer;
        try (Http h = new Http(base)) {
            admin = token(h.call("POST", "/api/dev/token", null,
                    "{\"role\":\"admin\",\"id\":\"A-bench\",\"name\":\"Bench\"}"));
            farmer = token(h.call("POST", "/api/dev/token", null,
                    "{\"role\":\"farmer\",\"id\":\"F-bench\",\"name\":\"Bench farmer\"}"));
        }
        Files.writeString(out.resolve("admin.token"), admin);
        Files.writeString(out.resolve("farmer.token"), farmer);
        String[] ids = new String[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < Math.min(8, Math.max(1, n)); c++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try (Http h = new Http(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        Http.Response r = h.call("POST", "/api/tickets", farmer,
                                "{\"subject\":\"bench " + i + "\",\"text\":\"t\"}");
                        Matcher m = Pattern.compile("\"id\":\"(TKT-\\d+)\"").matcher(r.body);
                        if (r.status == 201 && m.find()) {
                            ids[i] = m.group(1);
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failed.get() > 0) {
            System.err.println("setup: " + failed.get() + " ticket creations failed");
            System.exit(1);
        }
        List<String> sorted = new ArrayList<>(Arrays.asList(ids));
        sorted.sort((a, b) -> Long.compare(Long.parseLong(a.substring(4)), Long.parseLong(b.substring(4))));
        Files.write(out.resolve("tickets.txt"), sorted);
        System.out.println("setup: " + n + " tickets " + sorted.getFirst() + ".." + sorted.getLast());
    }

    static String token(Http.Response r) {
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(r.body);
        if (r.status != 200 || !m.find()) {
            throw new IllegalStateException("no token: " + r.status + " " + r.body);
        }
        return m.group(1);
    }

    // ---------------------------------------------------------------- latest

    static void latest(Map<String, String> o) throws Exception {
        try (Http h = new Http(URI.create(o.get("base")))) {
            Http.Response r = h.call("GET", o.get("path"), o.get("token"), null);
            Matcher m = Pattern.compile("\"next\":(\\d+)").matcher(r.body);
            System.out.println(m.find() ? m.group(1) : "0");
        }
    }

    // ---------------------------------------------------------------- posts

    static void posts(Map<String, String> o) throws Exception {
        URI base = URI.create(o.get("base"));
        String token = o.get("token");
        List<String> tickets = Files.readAllLines(Path.of(o.get("tickets"))).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        int nTickets = Math.min(tickets.size(), Integer.parseInt(o.getOrDefault("topics", "" + tickets.size())));
        int conns = Integer.parseInt(o.getOrDefault("conns", "16"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "10"));
        double warm = Double.parseDouble(o.getOrDefault("warmup", "2"));
        int stuck = Integer.parseInt(o.getOrDefault("stuck", "0"));
        String stuckPath = o.getOrDefault("stuck-path", "/api/admin/events");
        String label = o.getOrDefault("label", "farmdesk");
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

        // slow subscribers: open the stream, read nothing ever (tiny receive buffer)
        List<Socket> stuckSockets = new ArrayList<>();
        for (int i = 0; i < stuck; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + stuckPath + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            stuckSockets.add(s);
        }
        if (stuck > 0) {
            Thread.sleep(500);
        }

        long[][] lat = new long[conns][];
        int[] counts = new int[conns];
        AtomicLong errors = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicInteger seq = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(conns);
        long[] startAt = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        long cpu0 = -1;
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < conns; c++) {
            final int ci = c;
            lat[c] = new long[1 << 16];
            ts.add(Thread.ofPlatform().name("poster-" + c).start(() -> {
                Http h = null;
                try {
                    h = new Http(base);
                    ready.countDown();
                    go.await();
                    long warmEnd = startAt[0] + (long) (warm * 1e9);
                    long end = warmEnd + (long) (seconds * 1e9);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        int i = seq.getAndIncrement();
                        String ticket = tickets.get(i % nTickets);
                        long t0 = System.nanoTime();
                        Http.Response r;
                        try {
                            r = h.call("POST", "/api/tickets/" + ticket + "/messages", token,
                                    "{\"text\":\"bench " + run + " " + i + " " + t0 + "\"}");
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            h.close();
                            h = new Http(base);
                            continue;
                        }
                        long t1 = System.nanoTime();
                        if (t0 < warmEnd) {
                            continue;
                        }
                        if (r.status / 100 != 2) {
                            non2xx.incrementAndGet();
                            continue;
                        }
                        if (counts[ci] == lat[ci].length) {
                            lat[ci] = Arrays.copyOf(lat[ci], lat[ci].length * 2);
                        }
                        lat[ci][counts[ci]++] = t1 - t0;
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    ready.countDown();
                } finally {
                    if (h != null) {
                        h.close();
                    }
                }
            }));
        }
        ready.await();
        String pid = o.get("pid");
        long cpuA = pid == null ? 0 : cpuTicks(pid);
        startAt[0] = System.nanoTime();
        go.countDown();
        Thread.sleep((long) (warm * 1000));
        long cpuB = pid == null ? 0 : cpuTicks(pid);
        for (Thread t : ts) {
            t.join();
        }
        long cpuC = pid == null ? 0 : cpuTicks(pid);
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < conns; c++) {
            System.arraycopy(lat[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        // are the stuck sockets still open? (a server that dropped them has closed them)
        int stillOpen = 0;
        for (Socket s : stuckSockets) {
            try {
                s.setSoTimeout(1);
                s.getInputStream().read(new byte[1]);
                stillOpen++;
            } catch (java.net.SocketTimeoutException e) {
                stillOpen++;
            } catch (IOException e) {
                // closed by the server
            }
            s.close();
        }
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("tool", "postbench");
        kv.put("label", label);
        kv.put("mode", "posts");
        kv.put("conns", "" + conns);
        kv.put("topics", "" + nTickets);
        kv.put("seconds", f(seconds));
        kv.put("posts", "" + total);
        kv.put("non2xx", "" + non2xx.get());
        kv.put("errors", "" + errors.get());
        kv.put("rate", f(total / seconds));
        kv.put("p50_ms", f(pct(all, 0.50) / 1e6));
        kv.put("p90_ms", f(pct(all, 0.90) / 1e6));
        kv.put("p99_ms", f(pct(all, 0.99) / 1e6));
        kv.put("max_ms", f(total == 0 ? 0 : all[total - 1] / 1e6));
        kv.put("stuck", "" + stuck);
        kv.put("stuck_open_at_end", "" + stillOpen);
        if (pid != null && total > 0) {
            double cpuS = (cpuC - cpuB) / 100.0;
            kv.put("server_cpu_s", f(cpuS));
            kv.put("server_us_per_post", f(cpuS * 1e6 / total));
        }
        kv.put("load_end", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.printf(Locale.ROOT, "  posts: %d in %.1f s = %.0f/s over %d connections, %d tickets; POST p50 %.2f ms, p99 %.2f ms, max %.1f ms; non-2xx %d, errors %d%s%n",
                total, seconds, total / seconds, conns, nTickets, pct(all, 0.5) / 1e6, pct(all, 0.99) / 1e6,
                total == 0 ? 0.0 : all[total - 1] / 1e6, non2xx.get(), errors.get(),
                stuck > 0 ? "; stuck readers " + stuck + " (" + stillOpen + " still open at the end)" : "");
        StringBuilder sb = new StringBuilder("RESULT");
        kv.forEach((kk, v) -> sb.append(' ').append(kk).append('=').append(v));
        System.out.println(sb);
    }

    static long cpuTicks(String pids) {
        long sum = 0;
        for (String p : pids.split(",")) {
            try {
                String s = Files.readString(Path.of("/proc/" + p.strip() + "/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return sum;
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1 < 0 ? 0 : (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String f(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static Map<String, String> options(String[] a) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].startsWith("--") || i + 1 >= a.length) {
                throw new IllegalArgumentException("bad option " + a[i]);
            }
            m.put(a[i].substring(2), a[++i]);
        }
        return m;
    }

    // ---------------------------------------------------------------- a minimal HTTP/1.1 client

    static final class Http implements AutoCloseable {
        record Response(int status, String body) {
        }

        private final URI base;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Http(URI base) throws IOException {
            this.base = base;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        Response call(String method, String path, String token, String body) throws IOException {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            if (token != null) {
                req.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                req.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
            }
            req.append("\r\n");
            byte[] head = req.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] msg = Arrays.copyOf(head, head.length + b.length);
            System.arraycopy(b, 0, msg, head.length, b.length);
            out.write(msg);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("connection closed");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            long len = -1;
            boolean chunked = false;
            String l;
            while ((l = line()) != null && !l.isEmpty()) {
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    len = Long.parseLong(l.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    int n = Integer.parseInt(line().split(";")[0].strip(), 16);
                    if (n == 0) {
                        while ((l = line()) != null && !l.isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    buf.write(in.readNBytes(n));
                    line();
                }
            } else if (len >= 0) {
                buf.write(in.readNBytes((int) len));
            }
            return new Response(code, buf.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) c);
            }
            return sb.isEmpty() ? null : sb.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
