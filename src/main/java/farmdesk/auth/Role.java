package farmdesk.auth;

/** The two sides of a support conversation. */
public enum Role {
    FARMER, ADMIN;

    /** The lower-case name used in tokens and JSON. */
    public String json() {
        return this == FARMER ? "farmer" : "admin";
    }

    /** Parses {@code farmer} or {@code admin}; anything else is null. */
    public static Role parse(Object value) {
        if ("farmer".equals(value)) {
            return FARMER;
        }
        if ("admin".equals(value)) {
            return ADMIN;
        }
        return null;
    }
}
