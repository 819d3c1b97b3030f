package farmdesk.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import farmdesk.storage.Database;
import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feed on a real log: replay then live with no gap and no duplicate, a reset for an unknown id, a
 * start "from now", and an end by signal.
 */
class FeedTest {

    private static final Audience ADMIN = new Audience(new Topic.All(), "A-1", true);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Database database;
    private Sequencer sequencer;
    private EventLog log;
    private Feeds feeds;

    @BeforeEach
    void open() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:feed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Broadcaster broadcaster = new Broadcaster();
        sequencer = new Sequencer(broadcaster,
                (after, upTo, limit) -> EventLog.readRange(database.client(), after, upTo, limit), 0);
        log = new EventLog(database.client(), sequencer, Relay.localOnly());
        feeds = new Feeds(log, broadcaster);
    }

    @AfterEach
    void close() {
        sequencer.close();
        database.close();
    }

    private long append(int n) {
        long id = 0;
        for (int i = 0; i < n; i++) {
            id = log.write(tx -> tx.append(Event.NEW_MESSAGE, 1, "F-1", false, "{}")).id();
        }
        return id;
    }

    /** Waits until the sequencer has queued everything up to {@code id} to the subscribers. */
    private void delivered(long id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sequencer.delivered() < id) {
            assertTrue(System.nanoTime() < deadline, "never delivered");
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    private static List<Long> ids(Batch b) {
        return b.events().stream().map(Event::id).toList();
    }

    @Test
    void replayThenLiveHasNoGapAndNoDuplicate() throws Exception {
        append(20);
        try (Feed feed = feeds.open(ADMIN, 5L, new Feed.Options(false, 1024, 7))) {
            // committed after the feed subscribed and before it read the log: both queued and replayed
            append(5);
            delivered(25);
            List<Long> got = new ArrayList<>();
            List<Long> pages = new ArrayList<>();
            while (got.size() < 20) {
                Batch b = feed.next(WAIT);
                assertFalse(b.reset());
                got.addAll(ids(b));
                pages.add((long) b.events().size());
                assertEquals(got.getLast(), b.last());
            }
            assertEquals(List.of(7L, 7L, 6L), pages, "the replay comes in pages of at most the batch limit");
            append(1);
            got.addAll(ids(feed.next(WAIT)));
            assertEquals(LongStream.rangeClosed(6, 26).boxed().toList(), got);
            // the queued copies of 21..25 were skipped: nothing else is waiting
            Batch idle = feed.next(Duration.ZERO);
            assertTrue(idle.events().isEmpty());
            assertEquals(26, idle.last());
        }
    }

    @Test
    void anUnknownIdGetsAResetToTheNewestIdThenLiveEvents() throws Exception {
        append(3);
        try (Feed feed = feeds.open(ADMIN, 1000L, new Feed.Options(false, 1024, 100))) {
            Batch reset = feed.next(WAIT);
            assertTrue(reset.reset());
            assertTrue(reset.events().isEmpty());
            assertEquals(3, reset.last());
            append(1);
            Batch live = feed.next(WAIT);
            assertFalse(live.reset());
            assertEquals(List.of(4L), ids(live));
        }
    }

    @Test
    void withoutAResumePointTheFeedStartsWhenItOpens() throws Exception {
        delivered(append(3));
        try (Feed feed = feeds.open(ADMIN, null, new Feed.Options(false, 1024, 100))) {
            append(1); // committed once the feed is open: sent, never skipped as already known
            Batch b = feed.next(WAIT);
            assertEquals(List.of(4L), ids(b));
            assertNull(b.endedBy());
        }
    }

    @Test
    void aSignalEndsTheFeedWhereverItWaits() throws Exception {
        Event marker = Event.live("end", 0, "", null, false, "{}");
        try (Feed feed = feeds.open(ADMIN, null, new Feed.Options(true, 1024, 100))) {
            Thread.ofVirtual().start(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                feed.signal(marker);
            });
            Batch b = feed.next(); // waits with no timeout: only the signal can end it
            assertSame(marker, b.endedBy());
            assertTrue(b.events().isEmpty());
        }
    }
}
