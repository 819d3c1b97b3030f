package farmdesk.auth;

import java.util.List;

/**
 * Who may see what: the one visibility rule, as a Java check and as an SQL condition.
 *
 * <p>An admin sees everything. A farmer sees a record (a ticket, a message, an event) only when it
 * belongs to one of their own tickets and is not admin-only (an internal note, or news that reveals one).
 *
 * <p>Why both forms live here: live delivery and REST answers check records in memory, while replay,
 * the ticket list and the messages of a ticket filter in the database. Written apart, the two could drift
 * silently: a farmer could get on reconnect what was hidden live. Both forms are built from the two
 * facts above, and the tests {@code ReplayVisibilityTest} and {@code TicketVisibilityTest} hold the SQL
 * against {@link #maySee} on H2 and PostgreSQL.
 *
 * @param viewerId the user id of the viewer
 * @param admin    true for admins
 */
public record Access(String viewerId, boolean admin) {

    public static Access of(Viewer viewer) {
        return new Access(viewer.id(), viewer.isAdmin());
    }

    /** The rule: may the viewer see a record of a ticket owned by {@code farmerId}? */
    public boolean maySee(String farmerId, boolean adminOnly) {
        return admin || (!adminOnly && viewerId.equals(farmerId));
    }

    /** A ticket itself is never admin-only. (If not visible, the ticket answers 404.) */
    public boolean maySeeTicketOf(String farmerId) {
        return maySee(farmerId, false);
    }

    /**
     * {@link #maySee} as an SQL condition on rows whose owning farmer is in {@code farmerIdColumn} and
     * whose admin-only flag is the boolean {@code adminOnlyColumn}; put it after an {@code AND}.
     */
    public Where where(String farmerIdColumn, String adminOnlyColumn) {
        if (admin) {
            return Where.EVERYTHING;
        }
        return new Where("(" + farmerIdColumn + " = ? AND " + adminOnlyColumn + " = FALSE)", List.of(viewerId));
    }

    /** {@link #maySeeTicketOf} as an SQL condition: the rule with a constant "not admin-only". */
    public Where whereTicket(String farmerIdColumn) {
        return where(farmerIdColumn, "FALSE");
    }

    /** May the viewer see the ticket of a farmer? For callers that hold a {@link Viewer}. */
    public static boolean maySeeTicketOf(Viewer viewer, String farmerId) {
        return of(viewer).maySeeTicketOf(farmerId);
    }

    /**
     * May the viewer open the stream of all tickets of {@code farmerId}? Only if they may see that
     * farmer's tickets: whoever else opened it would get nothing, so it answers 403 instead.
     */
    public static boolean mayOpenFarmerStream(Viewer viewer, String farmerId) {
        return maySeeTicketOf(viewer, farmerId);
    }

    /**
     * An SQL boolean condition in parentheses, and the values of its {@code ?} placeholders in order.
     */
    public record Where(String sql, List<Object> params) {
        static final Where EVERYTHING = new Where("(TRUE)", List.of());
    }
}
