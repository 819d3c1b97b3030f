package farmdesk.admins;

/** An admin known to the service, as {@code GET /api/admins} lists them. */
public record Admin(String id, String name) {
}
