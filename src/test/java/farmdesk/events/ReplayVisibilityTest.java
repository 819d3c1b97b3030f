package farmdesk.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.storage.Database;
import farmdesk.storage.Sql;
import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The replay query ({@link EventLog#readStored}) returns exactly the events live delivery would let
 * through ({@link Audience#accepts}, i.e. the rule in {@code auth.Access}), on the real database (H2,
 * and PostgreSQL in the pom's postgres run): for every viewer on every topic, over events of every
 * owner and admin-only flag. If the SQL and the predicate ever drift, a farmer gets on reconnect what
 * was hidden live, or loses what was shown.
 */
class ReplayVisibilityTest {

    /** Ticket number → owner. "f-a" differs from "F-a" only in case: the database must not mix them up. */
    private static final String[] OWNERS = {null, "F-a", "F-a", "F-b", "F-b", "f-a"};
    private static final List<Audience> VIEWERS_ON_ALL = List.of(
            new Audience(new Topic.All(), "A-1", true),
            new Audience(new Topic.All(), "F-a", false),
            new Audience(new Topic.All(), "F-b", false),
            new Audience(new Topic.All(), "f-a", false),
            new Audience(new Topic.All(), "F-none", false));

    private static Database database;
    private static Sequencer sequencer;
    private static EventLog log;
    private static List<Event> all;

    @BeforeAll
    static void everyCombination() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:visibility-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        sequencer = new Sequencer(new Broadcaster(), (after, upTo, limit) -> List.of(), 0);
        log = new EventLog(database.client(), sequencer, Relay.localOnly());
        // interleaved, so a filter that cut by id ranges would show
        for (String type : List.of(Event.NEW_MESSAGE, Event.TICKET_READ)) {
            for (boolean adminOnly : new boolean[] {false, true}) {
                for (int ticket = 1; ticket < OWNERS.length; ticket++) {
                    database.client().execute().dml("INSERT INTO events (type, ticket_num, farmer_id, admin_only,"
                                    + " data, created_at) VALUES (?, ?, ?, ?, '{}', ?)",
                            type, ticket, OWNERS[ticket], adminOnly, Sql.timestamp(Instant.now()));
                }
            }
        }
        all = EventLog.readRange(database.client(), 0, Long.MAX_VALUE, 1000);
        assertEquals(20, all.size());
    }

    @AfterAll
    static void close() {
        sequencer.close();
        database.close();
    }

    @Test
    void replayReturnsWhatLiveDeliveryAccepts() {
        int compared = 0;
        for (Audience viewer : VIEWERS_ON_ALL) {
            for (Topic topic : topics()) {
                Audience audience = new Audience(topic, viewer.access());
                List<Long> accepted = all.stream().filter(audience::accepts).map(Event::id).toList();
                List<Long> replayed = log.readStored(0, audience, 1000).stream().map(Event::id).toList();
                assertEquals(accepted, replayed, audience.toString());
                compared++;
            }
        }
        assertEquals(5 * 11, compared);
    }

    @Test
    void theFixtureCoversEveryOutcome() {
        // the comparison above means something only if the rule lets through some events and not others
        assertEquals(20, visible(VIEWERS_ON_ALL.get(0)), "an admin sees everything");
        assertEquals(4, visible(VIEWERS_ON_ALL.get(1)), "F-a: the public events of tickets 1 and 2");
        assertEquals(4, visible(VIEWERS_ON_ALL.get(2)), "F-b: the public events of tickets 3 and 4");
        assertEquals(2, visible(VIEWERS_ON_ALL.get(3)), "f-a: the public events of ticket 5");
        assertEquals(0, visible(VIEWERS_ON_ALL.get(4)), "a farmer without tickets sees nothing");
    }

    private static long visible(Audience audience) {
        return all.stream().filter(audience::accepts).count();
    }

    private static List<Topic> topics() {
        List<Topic> topics = new ArrayList<>(List.of(new Topic.All(), new Topic.Farmer("F-a"), new Topic.Farmer("F-b"),
                new Topic.Farmer("f-a"), new Topic.Farmer("F-none")));
        for (int ticket = 1; ticket <= OWNERS.length; ticket++) {
            topics.add(new Topic.Ticket(ticket)); // the last one has no events
        }
        return topics;
    }
}
