package farmdesk.http;

import java.util.Map;

/** A refusal decided at the HTTP edge (auth, limits, malformed requests), answered as problem+json. */
public final class ApiError extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    public ApiError(int status, String detail) {
        this(status, detail, Map.of());
    }

    public ApiError(int status, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiError badRequest(String detail) {
        return new ApiError(400, detail);
    }

    public static ApiError unauthorized(String detail) {
        return new ApiError(401, detail, Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiError forbidden(String detail) {
        return new ApiError(403, detail);
    }

    public static ApiError tooMany(String detail, long retryAfterSeconds) {
        return new ApiError(429, detail, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
