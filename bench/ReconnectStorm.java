import java.io.BufferedInputStream;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reconnect storm of docs/benchmarks.md (issue 12, "After a deploy, everyone reconnects at once").
 * JDK only; compiled with PostBench.java (it uses its HTTP client and option parsing):
 *
 * <pre>
 *   javac -d CLASSES bench/PostBench.java bench/ReconnectStorm.java
 *   java -cp CLASSES ReconnectStorm prepare --base URL --tickets 500 --behind 50 --out DIR
 *       dev tokens, N tickets, the resume point (the newest id), then BEHIND messages on every ticket
 *       ("storm TKT-n seq", seq 1..BEHIND): what every stream missed while it was away
 *   java -cp CLASSES ReconnectStorm storm --base URL --dir DIR --streams 5000 --rate 50
 *       [--reconnect at-once|spread:2000-4000|fixed:3000] [--pid PID] [--label L]
 * </pre>
 *
 * The storm: STREAMS SSE streams on the DIR's tickets (stream i on ticket i mod N), each resuming with
 * {@code Last-Event-ID} at the resume point, so each is exactly BEHIND messages behind. {@code at-once}
 * releases every connect in the same instant (a crashed instance whose clients were all cut together
 * and retry at the same delay); {@code spread:A-B} delays each by a uniform draw in A..B ms (what
 * clients do with the per-stream {@code retry:}); {@code fixed:M} delays all by M ms (one retry for
 * all: the same as at-once, later). Meanwhile a publisher posts RATE messages/s (round robin over the
 * tickets, continuing each ticket's seq) from before the storm until a few seconds after the last
 * stream caught up. Each stream is one virtual thread on a raw socket (HTTP/1.1, chunked).
 *
 * <p>Checked per stream: it receives its ticket's messages with seq 1, 2, 3... in order, each once,
 * through the last one posted (missed ones, then live ones): a gap is lost, a repeat a duplicate.
 * A stream that is refused (503/429) retries after {@code Retry-After}; one that is cut reconnects
 * after its {@code retry:} with the last id it saw, like an EventSource. Measured: the moment each
 * stream had its BEHIND missed messages (caught up; the last of these is "the last one live"), the
 * answers other than 200, POST latency during the storm (p50/p99/max), server CPU with --pid.
 * Ends with one RESULT line.
 */
public class ReconnectStorm {

    private static final Pattern TEXT = Pattern.compile("\"text\":\"storm (TKT-\\d+) (\\d+)\"");

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ReconnectStorm prepare|storm [options]  (see the source header)");
            System.exit(2);
        }
        Map<String, String> o = PostBench.options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "prepare" -> prepare(o);
            case "storm" -> storm(o);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- prepare

    static void prepare(Map<String, String> o) throws Exception {
        URI base = URI.create(o.get("base"));
        Path out = Path.of(o.getOrDefault("out", "."));
        int behind = Integer.parseInt(o.getOrDefault("behind", "50"));
        PostBench.setup(Map.of("base", base.toString(), "tickets", o.getOrDefault("tickets", "500"), "out", out.toString()));
        String admin = Files.readString(out.resolve("admin.token")).strip();
        List<String> tickets = Files.readAllLines(out.resolve("tickets.txt"));
        String resume;
        try (PostBench.Http h = new PostBench.Http(base)) {
            Matcher m = Pattern.compile("\"next\":(\\d+)").matcher(h.call("GET", "/api/admin/events/poll", admin, null).body());
            resume = m.find() ? m.group(1) : "0";
        }
        Files.writeString(out.resolve("resume.id"), resume);
        long t0 = System.nanoTime();
        // seq s of every ticket before seq s+1 of any: each ticket's posts go one after the other
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int total = tickets.size() * behind;
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try (PostBench.Http h = new PostBench.Http(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        String ticket = tickets.get(i % tickets.size());
                        int seq = i / tickets.size() + 1;
                        if (h.call("POST", "/api/tickets/" + ticket + "/messages", admin,
                                "{\"text\":\"storm " + ticket + " " + seq + "\"}").status() != 201) {
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
            System.err.println("prepare: " + failed.get() + " posts failed");
            System.exit(1);
        }
        Files.writeString(out.resolve("behind.txt"), Integer.toString(behind));
        System.out.printf(Locale.ROOT, "prepare: %d tickets x %d messages behind posted in %.1f s; resume id %s%n",
                tickets.size(), behind, (System.nanoTime() - t0) / 1e9, resume);
    }

    // ---------------------------------------------------------------- storm

    /** One stream's client: what it received, and when it had caught up. */
    static final class Client {
        final int index;
        final String ticket;
        final String path;
        volatile long lastId;
        int expectSeq = 1;
        int received;
        int lost;
        int duplicated;
        volatile long caughtUpAt;
        volatile long connectedAt;
        int retryMillis = 3000;
        int connects;

        Client(int index, String ticket, long resume) {
            this.index = index;
            this.ticket = ticket;
            this.path = "/api/tickets/" + ticket + "/events";
            this.lastId = resume;
        }
    }

    static void storm(Map<String, String> o) throws Exception {
        URI base = URI.create(o.get("base"));
        Path dir = Path.of(o.get("dir"));
        String label = o.getOrDefault("label", "storm");
        int streams = Integer.parseInt(o.getOrDefault("streams", "5000"));
        int rate = Integer.parseInt(o.getOrDefault("rate", "50"));
        String reconnect = o.getOrDefault("reconnect", "at-once");
        int settleAfter = Integer.parseInt(o.getOrDefault("after", "5"));
        int limitSeconds = Integer.parseInt(o.getOrDefault("limit", "120"));
        String pid = o.get("pid");
        String admin = Files.readString(dir.resolve("admin.token")).strip();
        List<String> tickets = Files.readAllLines(dir.resolve("tickets.txt"));
        long resume = Long.parseLong(Files.readString(dir.resolve("resume.id")).strip());
        int behind = Integer.parseInt(Files.readString(dir.resolve("behind.txt")).strip());
        String loadStart = load();

        // the publisher: continues each ticket's seq from behind+1, round robin (a ticket's posts are
        // tickets/rate seconds apart, so they commit in seq order)
        int[] posted = new int[tickets.size()]; // per ticket: the last seq answered 2xx
        Arrays.fill(posted, behind);
        ConcurrentLinkedQueue<long[]> postTimes = new ConcurrentLinkedQueue<>(); // {sentAt, micros}
        AtomicInteger postErrors = new AtomicInteger();
        AtomicBoolean publishing = new AtomicBoolean(true);
        int pubConns = 4;
        AtomicLong nextPost = new AtomicLong();
        long pubStart = System.nanoTime();
        List<Thread> publishers = new ArrayList<>();
        for (int c = 0; c < pubConns; c++) {
            publishers.add(Thread.ofPlatform().start(() -> {
                PostBench.Http h = null;
                while (publishing.get()) {
                    long i = nextPost.getAndIncrement();
                    long due = pubStart + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupportSleep.nanos(wait);
                    }
                    int t = (int) (i % tickets.size());
                    int seq = behind + 1 + (int) (i / tickets.size());
                    long sent = System.nanoTime();
                    try {
                        if (h == null) {
                            h = new PostBench.Http(base);
                        }
                        int status = h.call("POST", "/api/tickets/" + tickets.get(t) + "/messages", admin,
                                "{\"text\":\"storm " + tickets.get(t) + " " + seq + "\"}").status();
                        postTimes.add(new long[] {sent, (System.nanoTime() - sent) / 1000});
                        if (status == 201) {
                            synchronized (posted) {
                                posted[t] = Math.max(posted[t], seq);
                            }
                        } else {
                            postErrors.incrementAndGet();
                            // a refused post leaves a gap in its ticket's seq: stop publishing to keep the check exact
                            System.err.println("post answered " + status + "; publishing stops");
                            publishing.set(false);
                        }
                    } catch (IOException e) {
                        postErrors.incrementAndGet();
                        publishing.set(false);
                        System.err.println("post failed: " + e + "; publishing stops");
                    }
                }
                if (h != null) {
                    h.close();
                }
            }));
        }
        Thread.sleep(2000); // the publisher's steady state before the storm

        // the storm
        Client[] clients = new Client[streams];
        for (int i = 0; i < streams; i++) {
            clients[i] = new Client(i, tickets.get(i % tickets.size()), resume);
        }
        Map<Integer, LongAdder> refusals = new java.util.concurrent.ConcurrentHashMap<>();
        LongAdder connectErrors = new LongAdder();
        LongAdder cuts = new LongAdder();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch caughtUp = new CountDownLatch(streams);
        AtomicBoolean stopping = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>(streams);
        List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Client c : clients) {
            threads.add(Thread.ofVirtual().unstarted(() -> {
                try {
                    go.await();
                    sleepNanos(delayNanos(reconnect));
                    boolean counted = false;
                    while (!stopping.get()) {
                        Socket s = new Socket();
                        sockets.add(s);
                        try {
                            c.connects++;
                            s.setTcpNoDelay(true);
                            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 30_000);
                            int status = stream(s, base, admin, c, behind, () -> {
                                if (c.caughtUpAt == 0) {
                                    c.caughtUpAt = System.nanoTime();
                                    caughtUp.countDown();
                                }
                            });
                            if (status == 200) {

                                if (!stopping.get()) {
                                    cuts.increment(); // the server ended it: reconnect after retry
                                    sleepNanos(c.retryMillis * 1_000_000L);
                                }
                            } else {
                                refusals.computeIfAbsent(status, k -> new LongAdder()).increment();
                                sleepNanos(c.retryMillis * 1_000_000L);
                            }
                        } catch (IOException e) {
                            if (!stopping.get()) {
                                connectErrors.increment();
                                sleepNanos(c.retryMillis * 1_000_000L);
                            }
                        } finally {
                            sockets.remove(s);
                            s.close();
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    // stopping
                }
            }));
        }
        threads.forEach(Thread::start);
        long cpu0 = pid == null ? 0 : PostBench.cpuTicks(pid);
        long t0 = System.nanoTime();
        go.countDown();
        boolean all = caughtUp.await(limitSeconds, java.util.concurrent.TimeUnit.SECONDS);
        long stormEnd = System.nanoTime();
        long cpu1 = pid == null ? 0 : PostBench.cpuTicks(pid);
        String loadPeak = load();
        Thread.sleep(settleAfter * 1000L); // live events after everyone caught up
        publishing.set(false);
        for (Thread p : publishers) {
            p.join();
        }
        Thread.sleep(3000); // the last posts reach every stream
        stopping.set(true);
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        for (Thread t : threads) {
            t.join(5000);
        }

        // what every stream should have had: its ticket's seq 1..last posted
        long expected = 0;
        long received = 0;
        long lost = 0;
        long dup = 0;
        long[] catchUp = new long[streams];
        int caught = 0;
        for (Client c : clients) {
            int t = tickets.indexOf(c.ticket);
            int want;
            synchronized (posted) {
                want = posted[t];
            }
            expected += want;
            received += c.received;
            dup += c.duplicated;
            lost += c.lost + Math.max(0, want - (c.expectSeq - 1)); // gaps, and the tail never received
            if (c.caughtUpAt != 0) {
                catchUp[caught++] = (c.caughtUpAt - t0) / 1_000_000;
            }
        }
        long[] cu = Arrays.copyOf(catchUp, caught);
        Arrays.sort(cu);
        List<long[]> during = new ArrayList<>();
        List<long[]> before = new ArrayList<>();
        for (long[] p : postTimes) {
            (p[0] >= t0 && p[0] <= stormEnd ? during : p[0] < t0 ? before : new ArrayList<long[]>()).add(p);
        }
        long[] pd = during.stream().mapToLong(p -> p[1]).sorted().toArray();
        long[] pb = before.stream().mapToLong(p -> p[1]).sorted().toArray();
        StringBuilder refused = new StringBuilder();
        refusals.forEach((k, v) -> refused.append(k).append(':').append(v.sum()).append(' '));
        double serverCpu = (cpu1 - cpu0) / 100.0;

        System.out.printf(Locale.ROOT, "  streams %d (%s), %d behind each, publisher %d/s; caught up %d/%d%n",
                streams, reconnect, behind, rate, caught, streams);
        System.out.printf(Locale.ROOT, "  last one live after %d ms (catch-up p50 %d, p99 %d ms)%n",
                cu.length == 0 ? -1 : cu[cu.length - 1], PostBench.pct(cu, 0.5), PostBench.pct(cu, 0.99));
        System.out.printf(Locale.ROOT, "  deliveries expected %d received %d lost %d duplicated %d%n", expected, received, lost, dup);
        long opened = Arrays.stream(clients).filter(c -> c.connectedAt != 0).count();
        long connects = Arrays.stream(clients).mapToLong(c -> c.connects).sum();
        System.out.printf(Locale.ROOT, "  connects %d, streams opened (200) %d, refused %s, connect errors %d, cut by the server %d%n",
                connects, opened, refused.isEmpty() ? "none" : refused.toString().strip(), connectErrors.sum(), cuts.sum());
        System.out.printf(Locale.ROOT, "  POST during the storm: %d posts p50 %s p99 %s max %s ms (before it: p50 %s p99 %s ms), errors %d%n",
                pd.length, ms(PostBench.pct(pd, 0.5)), ms(PostBench.pct(pd, 0.99)), ms(pd.length == 0 ? 0 : pd[pd.length - 1]),
                ms(PostBench.pct(pb, 0.5)), ms(PostBench.pct(pb, 0.99)), postErrors.get());
        System.out.printf(Locale.ROOT, "  server CPU during the storm %.1f s; load %s -> %s%n", serverCpu, loadStart, loadPeak);
        System.out.printf(Locale.ROOT, "RESULT tool=reconnectstorm label=%s streams=%d reconnect=%s behind=%d caught=%d last_live_ms=%d "
                        + "catchup_p50_ms=%d catchup_p99_ms=%d expected=%d received=%d lost=%d dup=%d refused=%s connect_errors=%d "
                        + "post_p50_ms=%s post_p99_ms=%s post_max_ms=%s posts=%d post_errors=%d server_cpu_s=%.1f load_start=%s load_peak=%s%n",
                label, streams, reconnect, behind, caught, cu.length == 0 ? -1 : cu[cu.length - 1], PostBench.pct(cu, 0.5),
                PostBench.pct(cu, 0.99), expected, received, lost, dup, refused.isEmpty() ? "0" : refused.toString().strip().replace(' ', ','),
                connectErrors.sum(), ms(PostBench.pct(pd, 0.5)), ms(PostBench.pct(pd, 0.99)), ms(pd.length == 0 ? 0 : pd[pd.length - 1]),
                pd.length, postErrors.get(), serverCpu, loadStart.replace(' ', '/'), loadPeak.replace(' ', '/'));
        System.exit(all && lost == 0 && dup == 0 ? 0 : 1);
    }

    /**
     * One connection of one stream: sends the request (with its last id), reads the answer; for a 200,
     * parses events until the stream ends. Returns the status.
     */
    static int stream(Socket s, URI base, String token, Client c, int behind, Runnable caughtUp) throws IOException {
        s.setSoTimeout(0);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + c.path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\nLast-Event-ID: " + c.lastId
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("closed before an answer");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        boolean chunked = false;
        int retryAfter = -1;
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            String lower = l.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("retry-after:")) {
                retryAfter = Integer.parseInt(l.substring(12).strip());
            }
        }
        if (status != 200) {
            if (retryAfter >= 0) {
                // Retry-After, spread a little (the clients that got it in the same second would come back together)
                c.retryMillis = retryAfter * 1000 + ThreadLocalRandom.current().nextInt(1000);
            }
            return status;
        }
        c.connectedAt = System.nanoTime();
        InputStream body = chunked ? new Chunked(in) : in;
        // SSE lines: id:, event:, data:, retry:, comments; one event per blank line
        String id = null;
        String data = null;
        for (String l; (l = line(body)) != null; ) {
            if (l.isEmpty()) {
                if (data != null) {
                    if (id != null) {
                        c.lastId = Long.parseLong(id);
                    }
                    Matcher m = TEXT.matcher(data);
                    if (m.find()) { // a new-message of this run (its ticket's lastMessage repeats the text: first match)
                        if (!m.group(1).equals(c.ticket)) {
                            throw new IllegalStateException("misrouted: " + m.group(1) + " on " + c.ticket);
                        }
                        int seq = Integer.parseInt(m.group(2));
                        synchronized (c) {
                            if (seq < c.expectSeq) {
                                c.duplicated++;
                            } else {
                                c.lost += seq - c.expectSeq;
                                c.expectSeq = seq + 1;
                                c.received++;
                            }
                        }
                        if (seq >= behind) {
                            caughtUp.run();
                        }
                    }
                }
                id = null;
                data = null;
            } else if (l.startsWith("id: ")) {
                id = l.substring(4);
            } else if (l.startsWith("data: ")) {
                data = l.substring(6);
            } else if (l.startsWith("retry: ")) {
                c.retryMillis = Integer.parseInt(l.substring(7).strip());
            }
        }
        return status;
    }

    /** The body of a chunked answer, de-chunked; ends at the terminating chunk. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size == null) {
                    throw new IOException("cut: no chunk size");
                }
                if (size.isEmpty()) { // the CRLF after the previous chunk
                    size = line(in);
                    if (size == null) {
                        throw new IOException("cut: no chunk size");
                    }
                }
                left = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("cut inside a chunk");
            }
            left--;
            return b;
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(128);
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

    static long delayNanos(String reconnect) {
        if (reconnect.startsWith("spread:")) {
            String[] r = reconnect.substring(7).split("-");
            return ThreadLocalRandom.current().nextLong(Long.parseLong(r[0]), Long.parseLong(r[1]) + 1) * 1_000_000L;
        }
        if (reconnect.startsWith("fixed:")) {
            return Long.parseLong(reconnect.substring(6)) * 1_000_000L;
        }
        return 0;
    }

    static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }

    /** A sleep that needs no InterruptedException handling (the publisher's platform threads). */
    static final class LockSupportSleep {
        static void nanos(long n) {
            java.util.concurrent.locks.LockSupport.parkNanos(n);
        }
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
