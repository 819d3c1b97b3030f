package farmdesk.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import farmdesk.events.Event;

/**
 * A long-poll answer's body: what each of a thousand pollers gets when one event arrives (one event),
 * and a full batch for a client catching up (100 events). Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PollAnswerBenchmark {

    private List<Event> one;
    private final List<Event> hundred = new ArrayList<>();

    @Setup
    public void setUp() {
        String data = "{\"ticketId\":\"TKT-1001\",\"message\":{\"id\":5521,\"text\":\"We are checking the payment now\"}}";
        for (long id = 1; id <= 100; id++) {
            hundred.add(Event.stored(id, Event.NEW_MESSAGE, 1001, "F-1", false, data));
        }
        one = List.of(hundred.getLast());
        LongPoll.answer(hundred, 100, null); // each event's poll bytes are made once, on first use
    }

    @Benchmark
    public byte[] oneEvent() {
        return LongPoll.answer(one, 100, null);
    }

    @Benchmark
    public byte[] hundredEvents() {
        return LongPoll.answer(hundred, 100, null);
    }
}
