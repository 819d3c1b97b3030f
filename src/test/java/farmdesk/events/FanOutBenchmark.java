package farmdesk.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sequencer's per-event work: one event offered to every subscriber of its ticket (fanout20 and
 * saturation spend their fan-out here). Queues are drained after each call, as the streams would.
 * Run with bench/jmh.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {

    @Param({"1000"})
    int subscribers;

    private Broadcaster broadcaster;
    private final List<Subscriber> subs = new ArrayList<>();
    private final List<Event> sink = new ArrayList<>();
    private Event event;
    private long id;

    @Setup
    public void setUp() {
        broadcaster = new Broadcaster();
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = new Subscriber(new Audience(new Topic.Ticket(1001), "A-" + i, true), true, 2048);
            subs.add(s);
            broadcaster.subscribe(s);
        }
        event = Event.stored(1, Event.NEW_MESSAGE, 1001, "F-1", false, "{\"ticketId\":\"TKT-1001\"}");
    }

    @Benchmark
    public int deliverToAll() {
        broadcaster.deliver(event);
        int n = 0;
        for (Subscriber s : subs) {
            n += s.drainTo(sink);
            sink.clear();
        }
        return n;
    }

    @Benchmark
    public Event encodeOnce() {
        return Event.stored(++id, Event.NEW_MESSAGE, 1001, "F-1", false,
                "{\"ticketId\":\"TKT-1001\",\"message\":{\"id\":5521,\"text\":\"We are checking the payment now\"}}");
    }
}
