package farmdesk.tickets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.auth.Access;
import farmdesk.auth.Role;
import farmdesk.auth.Viewer;
import farmdesk.storage.Database;
import farmdesk.storage.Sql;
import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ticket list and the messages of a ticket, as {@link TicketStore} reads them with SQL, hold
 * exactly what {@link Access#maySee} lets a viewer see, on the real database (H2, and PostgreSQL in the
 * pom's postgres run): for every viewer, over tickets of several owners and messages public and internal.
 */
class TicketVisibilityTest {

    private static final Instant EXPIRES = Instant.now().plusSeconds(3600);
    private static final List<Viewer> VIEWERS = List.of(
            new Viewer("A-1", Role.ADMIN, "Admin", EXPIRES),
            new Viewer("F-a", Role.FARMER, "Farmer A", EXPIRES),
            new Viewer("F-b", Role.FARMER, "Farmer B", EXPIRES),
            new Viewer("f-a", Role.FARMER, "Farmer a", EXPIRES),
            new Viewer("F-none", Role.FARMER, "Farmer without tickets", EXPIRES));

    /** "f-a" differs from "F-a" only in case: the database must not mix them up. */
    private static final List<String> OWNERS = List.of("F-a", "F-a", "F-b", "F-b", "f-a");

    private static Database database;
    /** Ticket number → owner, in creation order. */
    private static final Map<Long, String> owners = new LinkedHashMap<>();
    private static final List<Row> messages = new ArrayList<>();

    /** A stored message: its ticket, its id, and whether it is an internal note. */
    private record Row(long ticket, long id, boolean internal) {
    }

    @BeforeAll
    static void everyCombination() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:visibility-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        DbExecute exec = database.client().execute();
        for (String owner : OWNERS) {
            var now = Sql.timestamp(Instant.now());
            long num = Sql.insertReturningId(exec, "num", "INSERT INTO tickets (farmer_id, farmer_name, subject,"
                    + " category, priority, status, created_at, updated_at) VALUES (?, 'n', 's', 'general', 'normal',"
                    + " 'open', ?, ?)", owner, now, now);
            owners.put(num, owner);
        }
        // interleaved across tickets, so a filter that cut by id ranges would show
        for (boolean internal : new boolean[] {false, true, false, true}) {
            for (long num : owners.keySet()) {
                String role = internal ? "admin" : "farmer";
                long id = Sql.insertReturningId(exec, "id", "INSERT INTO messages (ticket_num, sender_role, sender_id,"
                                + " sender_name, text, internal, created_at) VALUES (?, ?, 'x', 'x', ?, ?, ?)",
                        num, role, internal ? "a note" : "a message", internal, Sql.timestamp(Instant.now()));
                messages.add(new Row(num, id, internal));
            }
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void theListHoldsTheTicketsTheViewerMaySee() {
        for (Viewer viewer : VIEWERS) {
            Access access = Access.of(viewer);
            List<String> visible = owners.entrySet().stream()
                    .filter(t -> access.maySeeTicketOf(t.getValue()))
                    .map(t -> TicketId.format(t.getKey()))
                    .sorted().toList();
            List<String> listed = TicketStore.list(database.client().execute(), viewer, null, null, null, null,
                            TicketOrder.ACTIVITY, 200, null)
                    .tickets().stream().map(Ticket::id).sorted().toList();
            assertEquals(visible, listed, viewer.id());
        }
    }

    /** A search by message text finds a ticket only by the messages the viewer may see (notes: admins). */
    @Test
    void aSearchFindsTicketsByTheMessagesTheViewerMaySeeOnly() {
        for (Viewer viewer : VIEWERS) {
            Access access = Access.of(viewer);
            for (String text : List.of("a note", "a message")) {
                List<String> expected = messages.stream()
                        .filter(m -> text.equals(m.internal() ? "a note" : "a message"))
                        .filter(m -> access.maySee(owners.get(m.ticket()), m.internal()))
                        .map(m -> TicketId.format(m.ticket())).distinct().sorted().toList();
                List<String> found = TicketStore.list(database.client().execute(), viewer, null, null, null, text,
                                TicketOrder.ACTIVITY, 200, null)
                        .tickets().stream().map(Ticket::id).sorted().toList();
                assertEquals(expected, found, viewer.id() + " searching " + text);
            }
        }
    }

    @Test
    void aTicketsMessagesAreThoseTheViewerMaySee() {
        for (Viewer viewer : VIEWERS) {
            Access access = Access.of(viewer);
            for (long num : owners.keySet()) {
                List<Long> visible = messages.stream()
                        .filter(m -> m.ticket() == num && access.maySee(owners.get(num), m.internal()))
                        .map(Row::id).toList();
                List<Long> read = TicketStore.messages(database.client().execute(), num, access, null, 200)
                        .stream().map(Message::id).toList();
                assertEquals(visible, read, viewer.id() + " on " + TicketId.format(num));
            }
        }
    }

    @Test
    void theFixtureCoversEveryOutcome() {
        // the comparisons above mean something only if the rule lets through some rows and not others
        assertEquals(List.of(5L, 2L, 2L, 1L, 0L), VIEWERS.stream().map(v -> owners.values().stream()
                .filter(Access.of(v)::maySeeTicketOf).count()).toList(), "tickets seen");
        assertEquals(List.of(20L, 4L, 4L, 2L, 0L), VIEWERS.stream().map(v -> messages.stream()
                .filter(m -> Access.of(v).maySee(owners.get(m.ticket()), m.internal())).count()).toList(), "messages seen");
    }
}
