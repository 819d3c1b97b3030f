package farmdesk;

import java.util.OptionalLong;

/**
 * A request Farmdesk refuses, whoever decides it: a ticket rule (a closed ticket, a farmer setting a
 * priority) or the HTTP edge (no token, a body too large, too many requests). One type for both, so
 * every refusal is answered the same way; it lives beside {@link Json} so that the rules need nothing
 * from HTTP: {@code http/ErrorHandling} alone turns a {@link Why} into a status and headers.
 */
public final class Refused extends RuntimeException {

    /** Why the request is refused; each is one HTTP status at the edge. */
    public enum Why { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, TOO_LARGE, UNSUPPORTED_TYPE, RANGE_NOT_SATISFIABLE, UNPROCESSABLE, TOO_MANY, UNAVAILABLE }

    private final Why why;
    private final OptionalLong retryAfterSeconds;
    private final boolean endsConnection;

    private Refused(Why why, String detail, OptionalLong retryAfterSeconds, boolean endsConnection) {
        // no stack trace: a refusal is an answer, not a fault
        super(detail, null, false, false);
        this.why = why;
        this.retryAfterSeconds = retryAfterSeconds;
        this.endsConnection = endsConnection;
    }

    public Refused(Why why, String detail) {
        this(why, detail, OptionalLong.empty(), false);
    }

    public Why why() {
        return why;
    }

    /** When asking again may succeed ({@link Why#TOO_MANY}, {@link Why#UNAVAILABLE}). */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * True when the request could not be read to its end, so where the next request on the same
     * connection would start is unknown: the connection must close after the answer.
     */
    public boolean endsConnection() {
        return endsConnection;
    }

    /** This refusal, with the connection closed after it is answered. */
    public Refused endingConnection() {
        return new Refused(why, getMessage(), retryAfterSeconds, true);
    }

    public static Refused invalid(String detail) {
        return new Refused(Why.INVALID, detail);
    }

    public static Refused unauthenticated(String detail) {
        return new Refused(Why.UNAUTHENTICATED, detail);
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

    public static Refused tooLarge(String detail) {
        return new Refused(Why.TOO_LARGE, detail);
    }

    /** A precondition of the protocol not met (tus: no or another Tus-Resumable version). */
    public static Refused preconditionFailed(String detail) {
        return new Refused(Why.PRECONDITION_FAILED, detail);
    }

    /** A body of a type the service does not take (an upload whose bytes are not on the allow-list). */
    public static Refused unsupportedType(String detail) {
        return new Refused(Why.UNSUPPORTED_TYPE, detail);
    }

    /** A byte range that starts past the end of the file (416). */
    public static Refused rangeNotSatisfiable(String detail) {
        return new Refused(Why.RANGE_NOT_SATISFIABLE, detail);
    }

    /** Well-formed, but naming something the service does not know (an assignee who is no known admin). */
    public static Refused unprocessable(String detail) {
        return new Refused(Why.UNPROCESSABLE, detail);
    }

    public static Refused tooMany(String detail, long retryAfterSeconds) {
        return new Refused(Why.TOO_MANY, detail, OptionalLong.of(retryAfterSeconds), false);
    }

    /** The service is full for now (not this client's fault): 503, ask again after a while, on a new connection. */
    public static Refused unavailable(String detail, long retryAfterSeconds) {
        return new Refused(Why.UNAVAILABLE, detail, OptionalLong.of(retryAfterSeconds), true);
    }
}
