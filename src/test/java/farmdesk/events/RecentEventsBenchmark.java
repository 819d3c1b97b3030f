package farmdesk.events;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A long-poll or resume answered from memory: the events after the id a client just saw, for one
 * ticket, out of a full ring of 16,384 events over 1,000 tickets. Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecentEventsBenchmark {

    private RecentEvents recent;
    private final Audience ticketViewer = new Audience(new Topic.Ticket(1500), "F-1500", false);
    private final Audience admin = new Audience(new Topic.All(), "A-1", true);
    private long newest;

    @Setup
    public void setUp() {
        recent = new RecentEvents(Sequencer.DEFAULT_RECENT_BYTES, 0);
        for (long id = 1; id <= 20_000; id++) {
            long ticket = 1000 + id % 1000;
            recent.add(Event.stored(id, Event.NEW_MESSAGE, ticket, "F-" + ticket, false, "{}"));
        }
        newest = 20_000;
    }

    @Benchmark
    public List<Event> pollNearTheHeadForOneTicket() {
        return recent.after(newest - 2_000, ticketViewer, 100);
    }

    @Benchmark
    public List<Event> pollTheLastEventForAdmins() {
        return recent.after(newest - 1, admin, 100);
    }
}
