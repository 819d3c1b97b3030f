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
        RecentEvents recent = new RecentEvents(4, 10);
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

    @Test
    void appliesTheAudience() {
        RecentEvents recent = new RecentEvents(8, 0);
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
