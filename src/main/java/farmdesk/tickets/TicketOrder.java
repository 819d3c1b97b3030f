package farmdesk.tickets;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import farmdesk.Refused;
import farmdesk.storage.Sql;

/**
 * The orders of the ticket list ({@code GET /api/tickets?sort=}), each as SQL, and where a page of
 * each ends: its cursor. Every order ends with the ticket number, so it is total and a cursor names
 * one place exactly.
 */
enum TicketOrder {
    /** Newest activity first (the default). */
    ACTIVITY,
    /** Only tickets waiting for an answer (newest public message from the farmer), longest wait first. */
    WAITING,
    /** Most urgent first, then newest activity. */
    PRIORITY;

    static final String CHOICES = "activity, waiting, priority";

    /** {@code urgent} > {@code high} > {@code normal} > {@code low}, as a number SQL can order by. */
    private static final String RANK = "(CASE t.priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2"
            + " WHEN 'normal' THEN 1 ELSE 0 END)";

    /** The order named {@code word} (null: the default), or a 400. */
    static TicketOrder parse(String word) {
        if (word == null) {
            return ACTIVITY;
        }
        for (TicketOrder o : values()) {
            if (o.name().toLowerCase().equals(word)) {
                return o;
            }
        }
        throw Refused.invalid("sort must be one of " + CHOICES);
    }

    /** What a row must meet to be in this order's list at all; put it after a WHERE. */
    String only() {
        return this == WAITING ? " AND t.waiting_since IS NOT NULL" : "";
    }

    String orderBy() {
        return switch (this) {
            case ACTIVITY -> " ORDER BY t.updated_at DESC, t.num DESC";
            case WAITING -> " ORDER BY t.waiting_since, t.num";
            case PRIORITY -> " ORDER BY " + RANK + " DESC, t.updated_at DESC, t.num DESC";
        };
    }

    /** The rows after {@code c} in this order, appended to {@code sql} (its values to {@code params}). */
    void after(Cursor c, StringBuilder sql, List<Object> params) {
        Object at = Sql.timestamp(c.at());
        switch (this) {
            case ACTIVITY -> {
                sql.append(" AND (t.updated_at < ? OR (t.updated_at = ? AND t.num < ?))");
                params.addAll(List.of(at, at, c.num()));
            }
            case WAITING -> {
                sql.append(" AND (t.waiting_since > ? OR (t.waiting_since = ? AND t.num > ?))");
                params.addAll(List.of(at, at, c.num()));
            }
            case PRIORITY -> {
                sql.append(" AND (" + RANK + " < ? OR (" + RANK + " = ? AND (t.updated_at < ?"
                        + " OR (t.updated_at = ? AND t.num < ?))))");
                params.addAll(List.of(c.rank(), c.rank(), at, at, c.num()));
            }
        }
    }

    /** Where a page whose last ticket is {@code t} (number {@code num}) ends. */
    Cursor cursorAfter(Ticket t, long num) {
        return switch (this) {
            case ACTIVITY -> new Cursor(this, 0, t.updatedAt(), num);
            case WAITING -> new Cursor(this, 0, t.waitingSince(), num);
            case PRIORITY -> new Cursor(this, Priority.parse(t.priority()).ordinal(), t.updatedAt(), num);
        };
    }

    /**
     * Where a page ends, as opaque base64url text: {@code millis:num} for the default order (as before
     * there were others, so cursors handed out then still work), {@code w:millis:num} and
     * {@code p:rank:millis:num} for the others. A cursor only continues the order it came from.
     */
    record Cursor(TicketOrder order, int rank, Instant at, long num) {

        /** 9999-12-31T23:59:59.999Z: the last instant both H2 and PostgreSQL store. */
        private static final long LATEST_MILLIS = 253_402_300_799_999L;

        String encode() {
            String raw = at.toEpochMilli() + ":" + num;
            raw = switch (order) {
                case ACTIVITY -> raw;
                case WAITING -> "w:" + raw;
                case PRIORITY -> "p:" + rank + ":" + raw;
            };
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text, TicketOrder expected) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", -1);
                TicketOrder order = switch (parts.length) {
                    case 2 -> ACTIVITY;
                    case 3 -> parts[0].equals("w") ? WAITING : null;
                    case 4 -> parts[0].equals("p") ? PRIORITY : null;
                    default -> null;
                };
                if (order != expected) {
                    throw new IllegalArgumentException("another order's cursor");
                }
                int n = parts.length;
                long millis = Long.parseLong(parts[n - 2]);
                long num = Long.parseLong(parts[n - 1]);
                int rank = order == PRIORITY ? Integer.parseInt(parts[1]) : 0;
                // times outside what a database column holds (year 292 million...) would fail in SQL
                if (millis < 0 || millis > LATEST_MILLIS || num < 1 || rank < 0 || rank >= Priority.values().length) {
                    throw new IllegalArgumentException("out of range");
                }
                return new Cursor(order, rank, Instant.ofEpochMilli(millis), num);
            } catch (RuntimeException e) {
                throw Refused.invalid("cursor is not one this server gave out (for sort=" + expected.name().toLowerCase() + ")");
            }
        }
    }
}
