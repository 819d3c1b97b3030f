import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * java bench/JfrSummary.java recording.jfr [top]  - what bench/profile.sh prints about one recording:
 * CPU samples (jdk.ExecutionSample, and jdk.CPUTimeSample when recorded) by top frame (self) and by
 * any frame on the stack (inclusive, each method once per sample), by subsystem (package of the
 * first non-JDK frame); allocation (jdk.ObjectAllocationSample weight) by class and by the first
 * non-JDK frame; lock contention (jdk.JavaMonitorEnter, jdk.ThreadPark) by site.
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        for (String type : List.of("jdk.ExecutionSample", "jdk.CPUTimeSample")) {
            List<RecordedEvent> s = events.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
            if (s.isEmpty()) {
                continue;
            }
            Map<String, Long> self = new HashMap<>(), incl = new HashMap<>(), sub = new HashMap<>(), thr = new HashMap<>();
            for (RecordedEvent e : s) {
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> fr = st.getFrames();
                self.merge(name(fr.getFirst()), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : fr) {
                    if (seen.add(name(f))) {
                        incl.merge(name(f), 1L, Long::sum);
                    }
                }
                sub.merge(subsystem(fr), 1L, Long::sum);
                String field = e.hasField("sampledThread") ? "sampledThread" : "eventThread";
                var t = e.hasField(field) ? e.getThread(field) : null;
                String tn = t == null ? null : (t.getJavaName() != null ? t.getJavaName() : t.getOSName());
                thr.merge(tn == null ? "?" : tn.replaceAll("\\[.*\\] ", "").replaceAll("[0-9a-fx]*\\d[0-9a-fx]*", "N")
                        + (t != null && t.isVirtual() ? " (virtual)" : ""), 1L, Long::sum);
            }
            long n = s.size();
            System.out.printf("%n== %s: %d samples%n", type, n);
            print("self (top frame)", self, n, top);
            print("inclusive (method anywhere on the stack)", incl, n, top + 10);
            print("by subsystem (first frame outside java.*/jdk.*/sun.*)", sub, n, top);
            print("by thread (digits folded)", thr, n, 10);
        }
        List<RecordedEvent> alloc = events.stream().filter(e -> e.getEventType().getName().equals("jdk.ObjectAllocationSample")).toList();
        if (!alloc.isEmpty()) {
            Map<String, Long> byClass = new HashMap<>(), bySite = new HashMap<>(), bySub = new HashMap<>();
            long total = 0;
            for (RecordedEvent e : alloc) {
                long w = e.getLong("weight");
                total += w;
                byClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                RecordedStackTrace st = e.getStackTrace();
                if (st != null && !st.getFrames().isEmpty()) {
                    bySite.merge(site(st.getFrames()), w, Long::sum);
                    bySub.merge(subsystem(st.getFrames()), w, Long::sum);
                }
            }
            System.out.printf("%n== jdk.ObjectAllocationSample: %d samples, %.1f MB sampled weight%n", alloc.size(), total / 1e6);
            print("by class (bytes)", byClass, total, top);
            print("by allocating site (first non-JDK frame <- top frame)", bySite, total, top);
            print("by subsystem", bySub, total, top);
        }
        for (String type : List.of("jdk.JavaMonitorEnter", "jdk.ThreadPark")) {
            List<RecordedEvent> c = events.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
            if (c.isEmpty()) {
                continue;
            }
            Map<String, Long> ms = new HashMap<>(), cnt = new HashMap<>();
            long totalMs = 0;
            for (RecordedEvent e : c) {
                long d = e.getDuration().toNanos();
                totalMs += d;
                String what = type.equals("jdk.JavaMonitorEnter")
                        ? (e.getClass("monitorClass") == null ? "?" : e.getClass("monitorClass").getName())
                        : (e.getClass("parkedClass") == null ? "-" : e.getClass("parkedClass").getName());
                String key = what + " @ " + (e.getStackTrace() == null ? "?" : site(e.getStackTrace().getFrames()));
                ms.merge(key, d, Long::sum);
                cnt.merge(key, 1L, Long::sum);
            }
            System.out.printf("%n== %s: %d events (over the threshold), %.0f ms in total%n", type, c.size(), totalMs / 1e6);
            ms.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                    .forEach(en -> System.out.printf("  %9.1f ms %7d x  %s%n", en.getValue() / 1e6, cnt.get(en.getKey()), en.getKey()));
        }
        events.stream().filter(e -> e.getEventType().getName().equals("jdk.GarbageCollection"))
                .map(e -> e.getDuration()).reduce(Duration::plus)
                .ifPresent(d -> System.out.printf("%n== GC pauses (jdk.GarbageCollection sum): %d ms over %d collections%n",
                        d.toMillis(), events.stream().filter(e -> e.getEventType().getName().equals("jdk.GarbageCollection")).count()));
    }

    static String name(RecordedFrame f) {
        String c = f.getMethod().getType().getName();
        return c.substring(c.lastIndexOf('.', c.lastIndexOf('.') - 1) + 1) + "." + f.getMethod().getName();
    }

    static boolean jdk(RecordedFrame f) {
        String c = f.getMethod().getType().getName();
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("javax.");
    }

    /** The first frame outside the JDK, with the top frame when that differs. */
    static String site(List<RecordedFrame> fr) {
        for (RecordedFrame f : fr) {
            if (!jdk(f)) {
                return f == fr.getFirst() ? name(f) + ":" + f.getLineNumber() : name(f) + ":" + f.getLineNumber() + " <- " + name(fr.getFirst());
            }
        }
        return "(jdk) " + name(fr.getFirst());
    }

    static String subsystem(List<RecordedFrame> fr) {
        for (RecordedFrame f : fr) {
            if (!jdk(f)) {
                String c = f.getMethod().getType().getName();
                String[] p = c.split("\\.");
                return p.length >= 3 ? p[0] + "." + p[1] + "." + p[2] : c;
            }
        }
        String c = fr.getFirst().getMethod().getType().getName();
        String[] p = c.split("\\.");
        return "(jdk only) " + (p.length >= 3 ? p[0] + "." + p[1] + "." + p[2] : c);
    }

    static void print(String title, Map<String, Long> m, long total, int top) {
        System.out.println("  -- " + title);
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
