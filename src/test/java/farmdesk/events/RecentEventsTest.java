package farmdesk.events;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The in-memory tail of the log: exact answers while it reaches back, "ask the log" once it does not. */
class RecentEventsTest {

    private static final Audience ADMIN = new Audience(new Topic.All(), "A-1", true);

    private static Event event(long id, long ticket, String farmer, boolean adminOnly) {
        return Event.stored(id, Event.NEW_MESSAGE, ticket, farmer, adminOnly, "{}");
    }

    private static List<Long> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void answersFromMemoryWhileItReachesBackAndNullOnceEvicted() {
        RecentEvents recent = new RecentEvents(4L * event(11, 1, "F-1", false).footprint(), 10); // four events

        assertEquals(List.of(), recent.after(10, ADMIN, 100), "empty but covering everything after 10");
        assertNull(recent.after(9, ADMIN, 100), "event 10 and older are only in the log");
        for (long id : new long[] {11, 12, 14, 17}) { // 13, 15, 16: rolled back or another instance's gaps
            recent.add(event(id, 1, "F-1", false));
        }
        assertEquals(List.of(11L, 12L, 14L, 17L), ids(recent.after(10, ADMIN, 100)));
        assertEquals(List.of(14L, 17L), ids(recent.after(12, ADMIN, 100)));
        assertEquals(List.of(14L, 17L), ids(recent.after(13, ADMIN, 100)), "an id inside a gap");
        assertEquals(List.of(), recent.after(17, ADMIN, 100));
        assertEquals(List.of(), recent.after(99, ADMIN, 100), "the future: nothing yet");
        assertEquals(List.of(11L, 12L), ids(recent.after(10, ADMIN, 2)), "limit");

        recent.add(event(18, 1, "F-1", false)); // evicts 11
        assertNull(recent.after(10, ADMIN, 100), "11 is gone from memory");
        assertEquals(List.of(12L, 14L, 17L, 18L), ids(recent.after(11, ADMIN, 100)));
    }

    private static Event large(long id, int textLength) {
        return Event.stored(id, Event.NEW_MESSAGE, 1, "F-1", false, "{\"text\":\"" + "x".repeat(textLength) + "\"}");
    }

    @Test
    void holdsEventsUpToItsByteBudgetNotACountOfThem() {
        // each event keeps ~30 KB (SSE frame, poll JSON and data of a 10,000-character text)
        RecentEvents recent = new RecentEvents(100_000, 0);
        for (long id = 1; id <= 100; id++) {
            recent.add(large(id, 10_000));
        }
        assertNull(recent.after(0, ADMIN, 1000), "100 events of ~30 KB do not fit in 100,000 bytes: the oldest come from the log");
        assertNull(recent.after(96, ADMIN, 1000), "not even four of them");
        List<Long> kept = ids(recent.after(97, ADMIN, 1000));
        assertEquals(List.of(98L, 99L, 100L), kept, "the newest three fit");
        recent.add(large(101, 10));
        assertEquals(List.of(98L, 99L, 100L, 101L), ids(recent.after(97, ADMIN, 1000)), "a small one still fits beside them");
    }

    @Test
    void anEventLargerThanTheWholeBudgetIsNotKept() {
        RecentEvents recent = new RecentEvents(20_000, 0);
        recent.add(large(1, 10));
        recent.add(large(2, 50_000));
        assertNull(recent.after(1, ADMIN, 100), "event 2 comes from the log");
        assertEquals(List.of(), recent.after(2, ADMIN, 100), "memory still answers for what comes after it");
        recent.add(large(3, 10));
        assertEquals(List.of(3L), ids(recent.after(2, ADMIN, 100)));
    }

    @Test
    void manySmallEventsFitAcrossGrowthAndWrapAround() {
        int footprint = event(1000, 1, "F-1", false).footprint(); // ids 1000..9999 encode alike
        RecentEvents recent = new RecentEvents(3_000L * footprint, 999);
        for (long id = 1000; id < 6000; id++) {
            recent.add(event(id, id % 7, "F-" + id % 7, false));
        }
        assertEquals(3_000L * footprint, recent.bytes());
        assertNull(recent.after(2998, ADMIN, 10_000));
        List<Long> held = ids(recent.after(2999, ADMIN, 10_000));
        assertEquals(3_000, held.size());
        assertEquals(3000L, held.get(0));
        assertEquals(5999L, held.get(held.size() - 1));
        assertEquals(List.of(4000L, 4001L), ids(recent.after(3999, ADMIN, 2)), "binary search across the wrap");
    }

    @Test
    void appliesTheAudience() {
        RecentEvents recent = new RecentEvents(1_000_000, 0);
        recent.add(event(1, 1, "F-1", false));
        recent.add(event(2, 1, "F-1", true));   // internal note
        recent.add(event(3, 2, "F-2", false));  // another farmer's ticket
        recent.add(event(4, 1, "F-1", false));
        Audience farmer = new Audience(new Topic.Farmer("F-1"), "F-1", false);
        Audience ticketAsAdmin = new Audience(new Topic.Ticket(1), "A-1", true);
        assertEquals(List.of(1L, 4L), ids(recent.after(0, farmer, 100)));
        assertEquals(List.of(1L, 2L, 4L), ids(recent.after(0, ticketAsAdmin, 100)));
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(recent.after(0, ADMIN, 100)));
    }
}
