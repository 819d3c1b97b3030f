package farmdesk.push;

import io.helidon.dbclient.DbClient;

import farmdesk.storage.Sql;

/**
 * Whether the person a push is for has read what it is about (docs/api.md, {@code unread}): a farmer by
 * their own read mark on the ticket; an admin by the team's, the furthest mark of any admin, since one
 * admin reading clears the ticket's unread for every admin.
 */
final class ReadMarks {

    private final DbClient db;

    ReadMarks(DbClient db) {
        this.db = db;
    }

    boolean hasRead(String role, String userId, long ticketNum, long messageId) {
        long mark = "farmer".equals(role)
                ? db.execute().get("SELECT message_id FROM read_marks WHERE ticket_num = ? AND reader_id = ?",
                        ticketNum, userId).map(r -> Sql.longOrZero(r, "message_id")).orElse(0L)
                : db.execute().get("SELECT MAX(r.message_id) AS mark FROM read_marks r JOIN tickets t ON t.num = r.ticket_num"
                        + " WHERE r.ticket_num = ? AND r.reader_id <> t.farmer_id", ticketNum)
                        .map(r -> Sql.longOrZero(r, "mark")).orElse(0L);
        return mark >= messageId;
    }
}
