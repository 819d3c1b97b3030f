package farmdesk.tickets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import farmdesk.Refused;
import farmdesk.storage.Sql;

/**
 * Attaching uploads to messages, and reading them back (sql/V6__attachments.sql, docs/api.md
 * "Attachments"). An upload is attached once: the primary key of {@code message_attachments} decides,
 * so two posts racing for one upload cannot both have it, whatever instance or batch they run in.
 */
final class Attachments {

    /** At most this many attachments on one message. */
    static final int MAX = 5;
    /** How much of an unknown id a refusal repeats (an id is 22 characters; a client may send anything). */
    private static final int ID_ECHO_MAX = 64;
    private static final String COLUMNS = "u.id, u.filename, u.content_type, u.stored_bytes, u.total_bytes,"
            + " u.width, u.height";

    private Attachments() {
    }

    /** An attachment with what decides who may see it: the message's ticket owner and its internal flag. */
    record Located(Attachment attachment, String farmerId, boolean internal) {
    }

    /** The ids as posted (null: none), or 400: 1..5 distinct ids. */
    static List<String> ids(List<String> posted) {
        if (posted == null) {
            return List.of();
        }
        if (posted.isEmpty() || posted.size() > MAX) {
            throw Refused.invalid("attachments must list 1 to " + MAX + " upload ids, got " + posted.size()
                    + " (leave it out for none)");
        }
        if (new HashSet<>(posted).size() != posted.size()) {
            throw Refused.invalid("attachments must not list an upload twice");
        }
        return posted;
    }

    /**
     * Attaches the uploads {@code ids} to the message, in order, in the caller's transaction. Each must be a
     * complete, unexpired upload of {@code ownerId} (422 otherwise) not attached yet (409). The upload's row
     * is locked first: the expiry sweep locks it too before it deletes (DatabaseUploadStore.expire), so an
     * upload is either attached or removed, never both.
     */
    static List<Attachment> attach(DbExecute exec, long messageId, String ownerId, List<String> ids, Instant now) {
        List<Attachment> attached = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            int position = i;
            Attachment a = exec.get("SELECT " + COLUMNS.replace("u.", "") + ", owner_id, expires_at FROM uploads"
                            + " WHERE id = ? FOR UPDATE", id)
                    .filter(r -> ownerId.equals(Sql.value(r, "owner_id")))
                    .filter(r -> Sql.value(r, "content_type") != null)
                    .filter(r -> Sql.instant(r, "expires_at").isAfter(now))
                    .map(Attachments::attachment)
                    .orElseThrow(() -> Refused.unprocessable("attachments[" + position + "]: no complete upload "
                            + Text.preview(id, ID_ECHO_MAX) + " of yours (unknown, someone else's, unfinished or expired)"));
            try {
                exec.dml("INSERT INTO message_attachments (upload_id, message_id, position) VALUES (?, ?, ?)",
                        id, messageId, position);
            } catch (RuntimeException e) {
                if (Sql.isUniqueViolation(e)) {
                    // the database refused the statement: events.Appender undoes this write alone
                    throw Refused.conflict("attachments[" + position + "]: upload " + id
                            + " is already attached to a message (an upload is attached once)");
                }
                throw e;
            }
            attached.add(a);
        }
        return attached;
    }

    /** The attachments of each of these messages, in posted order: one query for a whole page. */
    static Map<Long, List<Attachment>> of(DbExecute exec, Collection<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        String marks = messageIds.stream().map(m -> "?").collect(Collectors.joining(", "));
        Map<Long, List<Attachment>> byMessage = new LinkedHashMap<>();
        try (Stream<DbRow> rows = exec.query("SELECT a.message_id, " + COLUMNS + " FROM message_attachments a"
                + " JOIN uploads u ON u.id = a.upload_id WHERE a.message_id IN (" + marks + ")"
                + " ORDER BY a.message_id, a.position", messageIds.toArray())) {
            rows.forEach(r -> byMessage.computeIfAbsent(Sql.longOrZero(r, "message_id"), k -> new ArrayList<>())
                    .add(attachment(r)));
        }
        return byMessage;
    }

    /** The attachment {@code uploadId} with its message's visibility, or empty when it is not attached. */
    static Optional<Located> find(DbExecute exec, String uploadId) {
        return exec.get("SELECT " + COLUMNS + ", m.internal, t.farmer_id FROM message_attachments a"
                        + " JOIN uploads u ON u.id = a.upload_id JOIN messages m ON m.id = a.message_id"
                        + " JOIN tickets t ON t.num = m.ticket_num WHERE a.upload_id = ?", uploadId)
                .map(r -> new Located(attachment(r), r.column("farmer_id").getString(),
                        r.column("internal").get(Boolean.class)));
    }

    /** Until an upload's file is cleaned its stored size is not known: the size as uploaded then. */
    private static Attachment attachment(DbRow r) {
        Long stored = Sql.nullableLong(r, "stored_bytes");
        return Attachment.of((String) Sql.value(r, "id"), (String) Sql.value(r, "filename"),
                (String) Sql.value(r, "content_type"), stored != null ? stored : Sql.longOrZero(r, "total_bytes"),
                nullableInt(r, "width"), nullableInt(r, "height"));
    }

    private static Integer nullableInt(DbRow r, String column) {
        Object v = Sql.value(r, column);
        return v == null ? null : ((Number) v).intValue();
    }
}
