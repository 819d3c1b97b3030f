package farmdesk.tickets;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;

import farmdesk.Json;
import farmdesk.Refused;
import farmdesk.admins.KnownAdmins;
import farmdesk.auth.Access;
import farmdesk.auth.Viewer;
import farmdesk.events.Event;
import farmdesk.events.EventLog;
import farmdesk.events.LogTransaction;
import farmdesk.storage.Sql;
import farmdesk.storage.StreamReads;
import farmdesk.uploads.Upload;

/**
 * The ticket rules. Every change runs through {@link EventLog#write}: the change and its events commit
 * together, or neither does.
 */
public final class TicketService {

    public static final int TEXT_MAX = 4000;
    public static final int SUBJECT_MAX = 200;
    public static final int CATEGORY_MAX = 40;
    public static final int CLIENT_ID_MAX = 100;
    public static final int USER_ID_MAX = 64;
    /** The search text of the ticket list ({@code ?q=}). */
    public static final int SEARCH_MAX = 200;
    /** Messages in one ticket answer; {@code ?before=} pages further back. */
    public static final int MESSAGES_PAGE = 200;

    /** The answer to a create or post: what is stored, and whether this call stored it (201) or a repeat (200). */
    public record Outcome<T>(T value, boolean created) {
    }

    private static final int OWNERS_REMEMBERED = 100_000;

    private final DbClient db;
    private final EventLog log;
    private final StreamReads streamReads;
    private final Map<Long, String> owners = new ConcurrentHashMap<>();

    public TicketService(DbClient db, EventLog log) {
        this(db, log, StreamReads.unlimited());
    }

    /** @param streamReads the share of the pool that the ticket check of a stream or poll reads through */
    public TicketService(DbClient db, EventLog log, StreamReads streamReads) {
        this.db = db;
        this.log = log;
        this.streamReads = streamReads;
    }

    public Outcome<Ticket> createTicket(Viewer farmer, Inputs.NewTicket in) {
        if (!farmer.isFarmer()) {
            throw Refused.forbidden("only farmers open tickets");
        }
        String subject = Text.required(in.subject(), "subject", SUBJECT_MAX);
        String text = Text.required(in.text(), "text", TEXT_MAX);
        String category = in.category() == null ? "general" : Text.required(in.category(), "category", CATEGORY_MAX);
        Priority priority = in.priority() == null ? Priority.NORMAL : Priority.parse(in.priority());
        if (priority == null) {
            throw Refused.invalid("priority must be one of " + Priority.CHOICES);
        }
        String clientId = Text.optional(in.clientId(), "clientId", CLIENT_ID_MAX);

        return log.write(tx -> {
            DbExecute exec = tx.db();
            if (clientId != null) {
                var earlier = TicketStore.findByClientId(exec, farmer.id(), clientId);
                if (earlier.isPresent()) {
                    long num = TicketId.parse(earlier.get().id()).orElseThrow();
                    Message first = TicketStore.firstMessage(exec, num).orElseThrow();
                    return new Outcome<>(withReaderState(exec, earlier.get(), farmer).withMessages(List.of(first)), false);
                }
            }
            Instant now = now();
            long num = Sql.insertReturningId(exec, "num",
                    "INSERT INTO tickets (farmer_id, farmer_name, subject, category, priority, status, assignee_id,"
                            + " client_id, created_at, updated_at, waiting_since) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                    farmer.id(), farmer.name(), subject, category, priority.json(), Status.OPEN.json(), clientId,
                    Sql.timestamp(now), Sql.timestamp(now), Sql.timestamp(now));
            Message first = insertMessage(exec, num, farmer, text, false, null, now);
            exec.dml("UPDATE tickets SET last_message_id = ? WHERE num = ?", first.id(), num);
            Ticket ticket = TicketStore.find(exec, num).orElseThrow();
            tx.append(Event.TICKET_CREATED, num, farmer.id(), false, Json.write(new EventData.TicketCreated(ticket)));
            tx.append(Event.NEW_MESSAGE, num, farmer.id(), false,
                    Json.write(new EventData.NewMessage(ticket.id(), first, ticket)));
            return new Outcome<>(ticket.withUnread(0).withMessages(List.of(first)), true);
        });
    }

    /**
     * Posts a message, with the uploads it lists attached in the same transaction (docs/api.md
     * "Attachments"): with at least one, the text may be empty.
     */
    public Outcome<Message> postMessage(Viewer viewer, long num, Inputs.NewMessage in) {
        List<String> attachments = Attachments.ids(in.attachments());
        if (attachments.isEmpty() && in.text() == null) {
            throw Refused.invalid("text is required (it may be empty only beside attachments)");
        }
        String text = attachments.isEmpty() ? Text.required(in.text(), "text", TEXT_MAX)
                : Text.mayBeEmpty(in.text(), "text", TEXT_MAX);
        String clientId = Text.optional(in.clientId(), "clientId", CLIENT_ID_MAX);
        return log.write(tx -> {
            DbExecute exec = tx.db();
            Ticket ticket = visibleTicket(exec, num, viewer);
            if (in.internal() && !viewer.isAdmin()) {
                throw Refused.forbidden("only admins write internal notes");
            }
            if (clientId != null) {
                var earlier = TicketStore.messageByClientId(exec, num, clientId);
                if (earlier.isPresent()) {
                    if (!Access.of(viewer).maySee(ticket.farmerId(), earlier.get().internal())) {
                        throw Refused.conflict("clientId is already used on this ticket");
                    }
                    return new Outcome<>(earlier.get(), false);
                }
            }
            Status status = Status.parse(ticket.status());
            if (status == Status.CLOSED) {
                throw Refused.conflict("ticket " + ticket.id() + " is closed");
            }
            Instant now = now();
            Message message = insertMessage(exec, num, viewer, text, in.internal(), clientId, now);
            if (!attachments.isEmpty()) {
                message = message.withAttachments(
                        Attachments.attach(exec, message.id(), Upload.ownerOf(viewer), attachments, now));
            }
            if (in.internal()) {
                // internal notes leave the ticket's public state (last message, activity) as it was
                tx.append(Event.NEW_MESSAGE, num, ticket.farmerId(), true,
                        Json.write(new EventData.NewMessage(ticket.id(), message, ticket)));
                return new Outcome<>(message, true);
            }
            boolean reopens = viewer.isFarmer() && (status == Status.PENDING || status == Status.RESOLVED);
            Ticket after = ticket.afterMessage(message, reopens ? Status.OPEN.json() : ticket.status());
            exec.dml("UPDATE tickets SET last_message_id = ?, updated_at = ?, status = ?, waiting_since = ? WHERE num = ?",
                    message.id(), Sql.timestamp(now), after.status(),
                    after.waitingSince() == null ? null : Sql.timestamp(after.waitingSince()), num);
            tx.append(Event.NEW_MESSAGE, num, ticket.farmerId(), false,
                    Json.write(new EventData.NewMessage(ticket.id(), message, after)));
            if (reopens) {
                appendUpdated(tx, num, after, Map.of("status", List.of(ticket.status(), after.status())));
            }
            return new Outcome<>(message, true);
        });
    }

    public Ticket update(Viewer viewer, long num, Inputs.TicketPatch patch) {
        Status status = patch.status() == null ? null : Status.parse(patch.status());
        if (patch.status() != null && status == null) {
            throw Refused.invalid("status must be one of " + Status.CHOICES);
        }
        Priority priority = patch.priority() == null ? null : Priority.parse(patch.priority());
        if (patch.priority() != null && priority == null) {
            throw Refused.invalid("priority must be one of " + Priority.CHOICES);
        }
        String category = patch.category() == null ? null : Text.required(patch.category(), "category", CATEGORY_MAX);
        String assignee = patch.assigneeGiven() ? Text.optional(patch.assigneeId(), "assigneeId", USER_ID_MAX) : null;

        return log.write(tx -> {
            DbExecute exec = tx.db();
            Ticket ticket = visibleTicket(exec, num, viewer);
            if (viewer.isFarmer()) {
                if (patch.touchesMoreThanStatus()) {
                    throw Refused.forbidden("farmers may only change the status");
                }
                if (status != null && status != Status.RESOLVED && status != Status.CLOSED) {
                    throw Refused.forbidden("farmers may only set the status to resolved or closed");
                }
            }
            Map<String, List<String>> changes = new LinkedHashMap<>();
            String newStatus = change(changes, "status", ticket.status(), status == null ? null : status.json());
            String newPriority = change(changes, "priority", ticket.priority(), priority == null ? null : priority.json());
            String newCategory = change(changes, "category", ticket.category(), category);
            String newAssignee = ticket.assigneeId();
            if (assignee != null && !assignee.equals(ticket.assigneeId()) && KnownAdmins.find(exec, assignee).isEmpty()) {
                throw Refused.unprocessable("assigneeId must be the id of a known admin (one who has signed in,"
                        + " see GET /api/admins); no admin " + assignee + " is known");
            }
            if (patch.assigneeGiven() && !Objects.equals(assignee, ticket.assigneeId())) {
                changes.put("assigneeId", Arrays.asList(ticket.assigneeId(), assignee));
                newAssignee = assignee;
            }
            if (changes.isEmpty()) {
                return withReaderState(exec, ticket, viewer);
            }
            exec.dml("UPDATE tickets SET status = ?, priority = ?, category = ?, assignee_id = ?, updated_at = ?"
                            + " WHERE num = ?",
                    newStatus, newPriority, newCategory, newAssignee, Sql.timestamp(now()), num);
            Ticket after = TicketStore.find(exec, num).orElseThrow();
            appendUpdated(tx, num, after, changes);
            return withReaderState(exec, after, viewer);
        });
    }

    /** Moves the reader's read mark forward to {@code messageId}; a mark never moves back. */
    public void markRead(Viewer viewer, long num, long messageId) {
        log.write(tx -> {
            DbExecute exec = tx.db();
            Ticket ticket = visibleTicket(exec, num, viewer);
            Message message = TicketStore.message(exec, num, messageId)
                    .filter(m -> Access.of(viewer).maySee(ticket.farmerId(), m.internal()))
                    .orElseThrow(() -> Refused.invalid("messageId " + messageId + " is not a message of " + ticket.id()));
            long mark = TicketStore.readMark(exec, num, viewer.id());
            if (messageId <= mark) {
                return null;
            }
            if (mark == 0) {
                exec.dml("INSERT INTO read_marks (ticket_num, reader_id, message_id) VALUES (?, ?, ?)",
                        num, viewer.id(), messageId);
            } else {
                exec.dml("UPDATE read_marks SET message_id = ? WHERE ticket_num = ? AND reader_id = ?",
                        messageId, num, viewer.id());
            }
            // reading an internal note is itself admin-only news
            tx.append(Event.TICKET_READ, num, ticket.farmerId(), message.internal(), Json.write(
                    new EventData.TicketRead(ticket.id(), viewer.role().json(), viewer.id(), messageId)));
            return null;
        });
    }

    /**
     * "Someone is typing": live only, to the ticket's streams but not the typist's own. An admin
     * typing an internal note is shown to admins only.
     */
    public void typing(Viewer viewer, long num, boolean internal) {
        Ticket ticket = visibleTicket(db.execute(), num, viewer);
        if (internal && !viewer.isAdmin()) {
            throw Refused.forbidden("only admins write internal notes");
        }
        log.publishLive(Event.live(Event.TYPING, num, ticket.farmerId(), viewer.id(), internal,
                Json.write(new EventData.Typing(ticket.id(), viewer.role().json(), viewer.name()))));
    }

    /** The ticket with its messages (latest page, or the page before {@code before}) and unread count. */
    public Ticket get(Viewer viewer, long num, Long before) {
        DbExecute exec = db.execute();
        Access access = Access.of(viewer);
        Ticket ticket = TicketStore.findFor(exec, num, viewer)
                .filter(t -> access.maySeeTicketOf(t.farmerId()))
                .orElseThrow(() -> notFound(num));
        return ticket.withMessages(TicketStore.messages(exec, num, access, before, MESSAGES_PAGE));
    }

    /**
     * The attachment {@code uploadId} if the viewer may see its message (auth.Access, the rule of every
     * message); anything else, an upload not attached included, is not found: existence is not leaked.
     */
    public Attachment attachment(Viewer viewer, String uploadId) {
        return Attachments.find(db.execute(), uploadId)
                .filter(a -> Access.of(viewer).maySee(a.farmerId(), a.internal()))
                .map(Attachments.Located::attachment)
                .orElseThrow(() -> Refused.notFound("no attachment " + Text.preview(uploadId, 64)));
    }

    /** A page of tickets: a farmer's own, or all for admins; filtered, searched and in the order asked. */
    public TicketPage list(Viewer viewer, Inputs.ListQuery q) {
        Status status = null;
        if (q.status() != null) {
            status = Status.parse(q.status());
            if (status == null) {
                throw Refused.invalid("status must be one of " + Status.CHOICES);
            }
        }
        if (q.assignee() != null) {
            Text.required(q.assignee(), "assignee", USER_ID_MAX);
        }
        if (q.limit() < 1 || q.limit() > 200) {
            throw Refused.invalid("limit must be 1..200");
        }
        String search = Text.optional(q.search(), "q", SEARCH_MAX);
        TicketOrder order = TicketOrder.parse(q.sort());
        TicketOrder.Cursor cursor = q.cursor() == null ? null : TicketOrder.Cursor.decode(q.cursor(), order);
        String farmer = Text.optional(q.farmer(), "farmer", USER_ID_MAX);
        return TicketStore.list(db.execute(), viewer, status, q.assignee(), farmer, search, order, q.limit(), cursor);
    }

    /**
     * The farmer who owns the ticket, if the viewer may see it (else 404); for opening its stream.
     * Owners never change, so they are remembered: a long-poll or resume checks access without a query.
     */
    public String farmerOf(Viewer viewer, long num) {
        String owner = owners.get(num);
        if (owner == null) {
            // a stream or poll opening: through the stream path's share of the pool (StreamReads)
            owner = streamReads.read(() -> TicketStore.find(db.execute(), num)).map(Ticket::farmerId)
                    .orElseThrow(() -> notFound(num));
            if (owners.size() >= OWNERS_REMEMBERED) {
                owners.clear();
            }
            owners.put(num, owner);
        }
        if (!Access.maySeeTicketOf(viewer, owner)) {
            throw notFound(num);
        }
        return owner;
    }

    private static Ticket visibleTicket(DbExecute exec, long num, Viewer viewer) {
        return TicketStore.find(exec, num)
                .filter(t -> Access.maySeeTicketOf(viewer, t.farmerId()))
                .orElseThrow(() -> notFound(num));
    }

    private static Ticket withReaderState(DbExecute exec, Ticket ticket, Viewer viewer) {
        long num = TicketId.parse(ticket.id()).orElseThrow();
        return TicketStore.findFor(exec, num, viewer).orElseThrow();
    }

    private static Refused notFound(long num) {
        return Refused.notFound("no ticket " + TicketId.format(num));
    }

    private static String change(Map<String, List<String>> changes, String field, String before, String wanted) {
        if (wanted == null || wanted.equals(before)) {
            return before;
        }
        changes.put(field, List.of(before, wanted));
        return wanted;
    }

    private static void appendUpdated(LogTransaction tx, long num, Ticket after, Map<String, List<String>> changes) {
        tx.append(Event.TICKET_UPDATED, num, after.farmerId(), false,
                Json.write(new EventData.TicketUpdated(after.id(), after, changes)));
    }

    private static Message insertMessage(DbExecute exec, long num, Viewer sender, String text, boolean internal,
                                         String clientId, Instant at) {
        long id = Sql.insertReturningId(exec, "id",
                "INSERT INTO messages (ticket_num, sender_role, sender_id, sender_name, text, internal, client_id,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                num, sender.role().json(), sender.id(), sender.name(), text, internal, clientId, Sql.timestamp(at));
        return new Message(id, TicketId.format(num), sender.role().json(), sender.id(), sender.name(), text, internal,
                clientId, at, List.of());
    }

    /** Stored times have millisecond precision, so they read back exactly as they were sent. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
