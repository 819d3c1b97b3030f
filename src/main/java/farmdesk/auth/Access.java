package farmdesk.auth;

/** Who may see what. Admins see every ticket; a farmer sees only their own. */
public final class Access {

    private Access() {
    }

    /** May the viewer see a ticket owned by {@code farmerId}? (If not, the ticket answers 404.) */
    public static boolean maySeeTicketOf(Viewer viewer, String farmerId) {
        return viewer.isAdmin() || viewer.id().equals(farmerId);
    }

    /** May the viewer open the stream of all tickets of {@code farmerId}? (If not: 403.) */
    public static boolean mayOpenFarmerStream(Viewer viewer, String farmerId) {
        return viewer.isAdmin() || viewer.id().equals(farmerId);
    }
}
