package farmdesk.events;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed live notices between instances. What an outsider can send is covered end to end on
 * PostgreSQL (RelayForgeryTest); here, what only a key holder could send: a validly signed notice is
 * still refused unless it is a known live type with one line of JSON data, recent, and small.
 */
class LiveNoticesTest {

    private static final String SECRET = "a-secret-of-at-least-32-bytes-0123456789";
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final LiveNotices sender = new LiveNotices(LiveNotices.keyFor(SECRET), "instance-a", now::get);
    private final LiveNotices receiver = new LiveNotices(LiveNotices.keyFor(SECRET), "instance-b", now::get);

    private static Event typing(String type, String data) {
        return Event.live(type, 1001, "F-1", "A-7", false, data);
    }

    @Test
    void aNoticeFromAnInstanceWithTheSameSecretBecomesTheSameEvent() throws Exception {
        Event sent = typing(Event.TYPING, "{\"ticketId\":\"TKT-1001\",\"role\":\"admin\",\"name\":\"Ravi\"}");
        Event got = receiver.decode(sender.encode(sent));
        assertNotNull(got);
        assertArrayEquals(sent.sseFrame(), got.sseFrame());
        assertEquals("A-7", got.originUserId());
        assertEquals("F-1", got.farmerId());
        assertEquals(1001, got.ticket());
        assertNull(sender.decode(sender.encode(sent)), "an instance ignores its own notices");
    }

    @Test
    void anotherSecretOrAnyChangeBreaksTheSignature() {
        String notice = sender.encode(typing(Event.TYPING, "{\"name\":\"Ravi\"}"));
        LiveNotices otherCluster = new LiveNotices(LiveNotices.keyFor(SECRET + "x"), "instance-c", now::get);
        assertThrows(LiveNotices.Rejected.class, () -> otherCluster.decode(notice));
        assertThrows(LiveNotices.Rejected.class, () -> receiver.decode(notice.replace("Ravi", "Bank")));
        assertThrows(LiveNotices.Rejected.class, () -> receiver.decode("l:" + notice.substring(notice.indexOf('.') + 1)));
        assertThrows(LiveNotices.Rejected.class, () -> receiver.decode(notice + " "));
    }

    @Test
    void aSignedNoticeIsStillCheckedStrictly() {
        assertRefused(typing(Event.NEW_MESSAGE, "{\"message\":{}}"), "only live types travel live");
        assertRefused(typing("typing\nid: 999999", "{}"), "a line break in the type");
        assertRefused(typing(Event.TYPING, "{\"a\":1}\nid: 999999"), "a line break in the data");
        assertRefused(typing(Event.TYPING, "{\"a\":1}\r"), "a carriage return in the data");
        assertRefused(typing(Event.TYPING, "not json"), "data that is not JSON");
        assertRefused(typing(Event.TYPING, "[1]"), "data that is not an object");
        assertRefused(Event.live(Event.TYPING, 1001, "F-1\nx", "A-7", false, "{}"), "a line break in an id");
        assertRefused(Event.live(Event.TYPING, -1, "F-1", "A-7", false, "{}"), "a ticket that cannot be");
        assertNull(sender.encode(typing(Event.TYPING, "{\"x\":\"" + "y".repeat(8000) + "\"}")),
                "too large for a NOTIFY: not sent at all");
    }

    @Test
    void aCapturedNoticeReplaysForAMinuteAtMost() throws Exception {
        String notice = sender.encode(typing(Event.TYPING, "{\"name\":\"Ravi\"}"));
        now.addAndGet(59_000);
        assertNotNull(receiver.decode(notice));
        now.addAndGet(2_000);
        LiveNotices.Rejected r = assertThrows(LiveNotices.Rejected.class, () -> receiver.decode(notice));
        assertTrue(r.getMessage().contains("stale"), r.getMessage());
    }

    private void assertRefused(Event event, String what) {
        String notice = sender.encode(event);
        assertThrows(LiveNotices.Rejected.class, () -> receiver.decode(notice), what);
    }
}
