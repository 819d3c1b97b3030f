package farmdesk.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import farmdesk.Refused;
import farmdesk.auth.Role;
import farmdesk.auth.Viewer;
import farmdesk.storage.Database;
import farmdesk.storage.Sql;
import farmdesk.testing.TestPostgres;
import farmdesk.tickets.Inputs;
import farmdesk.tickets.Message;
import farmdesk.tickets.TicketId;
import farmdesk.tickets.TicketService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Attached once" is the primary key of message_attachments: two posts for one upload that share a
 * batch (group commit) make the second INSERT fail in the database, in the same transaction as the first.
 * That write alone answers 409 (a refusal, not a 500), and the writes beside it commit once each. The
 * batch is formed for certain (as GroupCommitTest forms one): a first write holds the appender until all
 * the posts wait behind it.
 */
class AttachedOnceInABatchTest {

    private static final int PLAIN = 6;

    private Database database;
    private Sequencer sequencer;
    private EventLog log;

    @BeforeEach
    void open() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:once-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        sequencer = new Sequencer(new Broadcaster(),
                (after, upTo, limit) -> EventLog.readRange(database.client(), after, upTo, limit), 0);
        log = new EventLog(database.client(), sequencer, Relay.localOnly());
    }

    @AfterEach
    void close() {
        sequencer.close();
        database.close();
    }

    @Test
    void twoPostsForOneUploadInOneBatchGetOneMessageAndOne409() throws Exception {
        Viewer farmer = new Viewer("F-batch", Role.FARMER, "Asha", Instant.now().plus(1, ChronoUnit.HOURS));
        TicketService tickets = new TicketService(database.client(), log);
        long num = TicketId.parse(tickets.createTicket(farmer, new Inputs.NewTicket("s", "t", null, null, null))
                .value().id()).orElseThrow();
        String upload = "up-" + UUID.randomUUID();
        Instant now = Instant.now();
        database.client().execute().dml("INSERT INTO uploads (id, owner_id, total_bytes, received, chunks, filename,"
                        + " filetype, content_type, created_at, expires_at) VALUES (?, 'farmer:F-batch', 3, 3, 0, 'a.pdf',"
                        + " NULL, 'application/pdf', ?, ?)", upload, Sql.timestamp(now),
                Sql.timestamp(now.plus(1, ChronoUnit.HOURS)));

        List<Callable<Message>> writes = new ArrayList<>();
        for (int i = 0; i < PLAIN + 2; i++) {
            int n = i;
            writes.add(() -> tickets.postMessage(farmer, num, new Inputs.NewMessage(
                    "m" + n, null, false, n % 4 == 1 ? List.of(upload) : null)).value());
        }
        List<Future<Message>> answers = OneBatch.run(log, null, writes);
        List<Future<Message>> attaching = List.of(answers.get(1), answers.get(5));
        List<Future<Message>> plain = answers.stream().filter(f -> !attaching.contains(f)).toList();
        int attached = 0;
        int conflicts = 0;
        for (Future<Message> f : attaching) {
            try {
                assertEquals(upload, f.get().attachments().getFirst().id());
                attached++;
            } catch (ExecutionException e) {
                Refused refused = (Refused) e.getCause();
                assertEquals(Refused.Why.CONFLICT, refused.why(), refused.getMessage());
                assertTrue(refused.getMessage().contains("already attached"), refused.getMessage());
                conflicts++;
            }
        }
        assertEquals(1, attached);
        assertEquals(1, conflicts);
        for (Future<Message> f : plain) {
            assertTrue(f.get().attachments().isEmpty(), "a write beside them is stored");
        }
        List<Message> stored = tickets.get(farmer, num, null).messages();
        assertEquals(1 + PLAIN + 1, stored.size(), "the first, the plain posts and one with the upload: " + stored);
        assertEquals(1, stored.stream().filter(m -> !m.attachments().isEmpty()).count());
        assertEquals(stored.size(), stored.stream().map(Message::text).distinct().count(), "each once");
        List<Event> events = EventLog.readRange(database.client(), 0, Long.MAX_VALUE, 100);
        assertEquals(2 + PLAIN + 1, events.size(), "ticket-created, its message, and one event per stored post");
    }
}
