package farmdesk.auth;

import java.time.Instant;

/** Who is calling: the verified claims of a token. */
public record Viewer(String id, Role role, String name, Instant expiresAt) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isFarmer() {
        return role == Role.FARMER;
    }
}
