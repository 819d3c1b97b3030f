package farmdesk.tickets;

/** A request the ticket rules refuse. The API turns {@link Why} into an HTTP status. */
public final class Refused extends RuntimeException {

    public enum Why { INVALID, FORBIDDEN, NOT_FOUND, CONFLICT }

    private final Why why;

    public Refused(Why why, String detail) {
        super(detail, null, false, false);
        this.why = why;
    }

    public Why why() {
        return why;
    }

    public static Refused invalid(String detail) {
        return new Refused(Why.INVALID, detail);
    }

    public static Refused forbidden(String detail) {
        return new Refused(Why.FORBIDDEN, detail);
    }

    public static Refused notFound(String detail) {
        return new Refused(Why.NOT_FOUND, detail);
    }

    public static Refused conflict(String detail) {
        return new Refused(Why.CONFLICT, detail);
    }
}
