package farmdesk.tickets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import farmdesk.auth.Access;
import farmdesk.auth.Viewer;
import farmdesk.storage.Sql;

/** Reading tickets and messages: SQL in, domain records out. Works in or outside a transaction. */
final class TicketStore {

    /** A ticket row with its last public message and, when asked, the reader's unread count. */
    private static final String TICKET_COLUMNS = "t.num, t.farmer_id, t.farmer_name, t.subject, t.category, t.priority,"
            + " t.status, t.assignee_id, a.name AS assignee_name, t.created_at, t.updated_at, t.waiting_since,"
            + " m.id AS lm_id, m.sender_role AS lm_role, m.text AS lm_text, m.created_at AS lm_at";
    private static final String FROM = " FROM tickets t LEFT JOIN messages m ON m.id = t.last_message_id"
            + " LEFT JOIN admins a ON a.id = t.assignee_id";
    /**
     * A farmer's unread: admins' messages newer than the farmer's read mark. Internal notes never count,
     * for admins either: that is what "unread" means, not who may see them (that is {@link Access}).
     */
    private static final String UNREAD_MINE = ", (SELECT COUNT(*) FROM messages u WHERE u.ticket_num = t.num"
            + " AND u.sender_role = 'admin' AND u.internal = FALSE AND u.id > COALESCE("
            + "(SELECT r.message_id FROM read_marks r WHERE r.ticket_num = t.num AND r.reader_id = ?), 0)) AS unread";
    /**
     * The team's unread, the same for every admin: the farmer's messages newer than the furthest read
     * mark of any admin. The marks on a ticket are its farmer's and admins' (only they may read it), so
     * an admin's is any mark but the farmer's.
     */
    private static final String UNREAD_TEAM = ", (SELECT COUNT(*) FROM messages u WHERE u.ticket_num = t.num"
            + " AND u.sender_role = 'farmer' AND u.internal = FALSE AND u.id > COALESCE((SELECT MAX(r.message_id)"
            + " FROM read_marks r WHERE r.ticket_num = t.num AND r.reader_id <> t.farmer_id), 0)) AS unread";
    private static final String MESSAGE_COLUMNS = "m.id, m.ticket_num, m.sender_role, m.sender_id, m.sender_name,"
            + " m.text, m.internal, m.client_id, m.created_at";

    /** The public state of a ticket (as events carry it), or empty. */
    static Optional<Ticket> find(DbExecute exec, long num) {
        return exec.get("SELECT " + TICKET_COLUMNS + FROM + " WHERE t.num = ?", num).map(r -> ticket(r, false));
    }

    /** The ticket as {@code viewer} sees it in REST answers, with its unread count. */
    static Optional<Ticket> findFor(DbExecute exec, long num, Viewer viewer) {
        List<Object> params = new ArrayList<>(unreadParams(viewer));
        params.add(num);
        return exec.get("SELECT " + TICKET_COLUMNS + unread(viewer) + FROM + " WHERE t.num = ?", params.toArray())
                .map(r -> ticket(r, true));
    }

    static Optional<Ticket> findByClientId(DbExecute exec, String farmerId, String clientId) {
        return exec.get("SELECT " + TICKET_COLUMNS + FROM + " WHERE t.farmer_id = ? AND t.client_id = ?",
                farmerId, clientId).map(r -> ticket(r, false));
    }

    /** One page of the ticket list in {@code order}, and the cursor of the next page (or null). */
    static TicketPage list(DbExecute exec, Viewer viewer, Status status, String assignee, String farmerId,
                           String search, TicketOrder order, int limit, TicketOrder.Cursor after) {
        Access access = Access.of(viewer);
        Access.Where visible = access.whereTicket("t.farmer_id");
        StringBuilder sql = new StringBuilder("SELECT " + TICKET_COLUMNS + unread(viewer) + FROM + " WHERE " + visible.sql());
        List<Object> params = new ArrayList<>(unreadParams(viewer));
        params.addAll(visible.params());
        if (farmerId != null) {
            sql.append(" AND t.farmer_id = ?");
            params.add(farmerId);
        }
        if (status != null) {
            sql.append(" AND t.status = ?");
            params.add(status.json());
        }
        if ("none".equals(assignee)) {
            sql.append(" AND t.assignee_id IS NULL");
        } else if (assignee != null) {
            sql.append(" AND t.assignee_id = ?");
            params.add("me".equals(assignee) ? viewer.id() : assignee);
        }
        if (search != null) {
            matching(search, access, sql, params);
        }
        sql.append(order.only());
        if (after != null) {
            order.after(after, sql, params);
        }
        sql.append(order.orderBy()).append(" LIMIT ").append(limit + 1);
        List<Ticket> tickets;
        List<Long> nums = new ArrayList<>();
        try (Stream<DbRow> rows = exec.query(sql.toString(), params.toArray())) {
            tickets = rows.map(r -> {
                nums.add(Sql.longOrZero(r, "num"));
                return ticket(r, true);
            }).toList();
        }
        if (tickets.size() <= limit) {
            return new TicketPage(tickets, null);
        }
        return new TicketPage(tickets.subList(0, limit), order.cursorAfter(tickets.get(limit - 1), nums.get(limit - 1)).encode());
    }

    /**
     * Tickets matching a search: by number ({@code TKT-1042} or {@code 1042}), or containing the words
     * (case-insensitive, as typed) in the farmer's id or name, the subject, or a message the viewer may
     * see: internal notes are searched for admins only, by the one rule ({@link Access#where}). No index
     * serves a substring search: every message of the visible tickets is read (fine at a support desk's
     * size; a trigram index is the next step).
     */
    private static void matching(String search, Access access, StringBuilder sql, List<Object> params) {
        String like = "%" + search.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        Access.Where readable = access.where("t.farmer_id", "s.internal");
        OptionalLong num = TicketId.parse(search.toUpperCase(Locale.ROOT));
        if (num.isEmpty() && search.matches("[1-9][0-9]{0,17}")) {
            num = OptionalLong.of(Long.parseLong(search));
        }
        sql.append(" AND (t.num = ? OR LOWER(t.farmer_id) LIKE ? ESCAPE '\\' OR LOWER(t.farmer_name) LIKE ? ESCAPE '\\'"
                + " OR LOWER(t.subject) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages s WHERE s.ticket_num = t.num AND "
                + readable.sql() + " AND LOWER(s.text) LIKE ? ESCAPE '\\'))");
        params.add(num.orElse(0));
        params.addAll(List.of(like, like, like));
        params.addAll(readable.params());
        params.add(like);
    }

    /**
     * Up to {@code limit} messages the viewer may see before {@code before} (or the latest), oldest first.
     * The ticket is joined for its owner, so the rule holds here even for a caller that forgot to check it;
     * its primary key comes first, so the join costs one lookup.
     */
    static List<Message> messages(DbExecute exec, long num, Access access, Long before, int limit) {
        Access.Where visible = access.where("t.farmer_id", "m.internal");
        StringBuilder sql = new StringBuilder("SELECT " + MESSAGE_COLUMNS
                + " FROM tickets t JOIN messages m ON m.ticket_num = t.num WHERE t.num = ? AND " + visible.sql());
        List<Object> params = new ArrayList<>();
        params.add(num);
        params.addAll(visible.params());
        if (before != null) {
            sql.append(" AND m.id < ?");
            params.add(before);
        }
        sql.append(" ORDER BY m.id DESC LIMIT ").append(limit);
        List<Message> page;
        try (Stream<DbRow> rows = exec.query(sql.toString(), params.toArray())) {
            page = rows.map(TicketStore::message).toList().reversed();
        }
        return withAttachments(exec, page);
    }

    static Optional<Message> message(DbExecute exec, long num, long id) {
        return exec.get("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.ticket_num = ? AND m.id = ?", num, id)
                .map(m -> withAttachments(exec, message(m)));
    }

    static Optional<Message> messageByClientId(DbExecute exec, long num, String clientId) {
        return exec.get("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.ticket_num = ? AND m.client_id = ?",
                num, clientId).map(m -> withAttachments(exec, message(m)));
    }

    static Optional<Message> firstMessage(DbExecute exec, long num) {
        return exec.get("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.ticket_num = ? ORDER BY m.id LIMIT 1",
                num).map(m -> withAttachments(exec, message(m)));
    }

    /** The messages with their attachments, read for the whole list in one query (never one per message). */
    private static List<Message> withAttachments(DbExecute exec, List<Message> messages) {
        Map<Long, List<Attachment>> attached = Attachments.of(exec, messages.stream().map(Message::id).toList());
        if (attached.isEmpty()) {
            return messages;
        }
        return messages.stream().map(m -> m.withAttachments(attached.getOrDefault(m.id(), List.of()))).toList();
    }

    private static Message withAttachments(DbExecute exec, Message message) {
        return withAttachments(exec, List.of(message)).getFirst();
    }

    /** The reader's read mark on the ticket, 0 when they have read nothing. */
    static long readMark(DbExecute exec, long num, String readerId) {
        return exec.get("SELECT message_id FROM read_marks WHERE ticket_num = ? AND reader_id = ?", num, readerId)
                .map(r -> Sql.longOrZero(r, "message_id"))
                .orElse(0L);
    }

    /** Unread as the viewer counts it: a farmer their own, an admin the team's. */
    private static String unread(Viewer viewer) {
        return viewer.isFarmer() ? UNREAD_MINE : UNREAD_TEAM;
    }

    private static List<Object> unreadParams(Viewer viewer) {
        return viewer.isFarmer() ? List.of(viewer.id()) : List.of();
    }

    private static Ticket ticket(DbRow r, boolean withUnread) {
        Long lastId = Sql.nullableLong(r, "lm_id");
        Message.Summary last = lastId == null ? null : new Message.Summary(lastId,
                r.column("lm_role").getString(), r.column("lm_text").getString(), Sql.instant(r, "lm_at"));
        return new Ticket(
                TicketId.format(Sql.longOrZero(r, "num")),
                r.column("farmer_id").getString(),
                r.column("farmer_name").getString(),
                r.column("subject").getString(),
                r.column("category").getString(),
                r.column("priority").getString(),
                r.column("status").getString(),
                r.column("assignee_id").getString(),
                r.column("assignee_name").getString(),
                Sql.instant(r, "created_at"),
                Sql.instant(r, "updated_at"),
                Sql.instant(r, "waiting_since"),
                last,
                withUnread ? (int) Sql.longOrZero(r, "unread") : null,
                null);
    }

    private static Message message(DbRow r) {
        return new Message(
                Sql.longOrZero(r, "id"),
                TicketId.format(Sql.longOrZero(r, "ticket_num")),
                r.column("sender_role").getString(),
                r.column("sender_id").getString(),
                r.column("sender_name").getString(),
                r.column("text").getString(),
                r.column("internal").get(Boolean.class),
                r.column("client_id").getString(),
                Sql.instant(r, "created_at"),
                List.of());
    }
}
