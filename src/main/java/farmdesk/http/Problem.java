package farmdesk.http;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Json;

/** RFC 9457 problem details: the body of every 4xx and 5xx answer. */
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static void send(ServerResponse res, int status, String detail) {
        send(res, status, detail, Map.of());
    }

    public static void send(ServerResponse res, int status, String detail, Map<String, String> headers) {
        Status s = Status.create(status);
        res.status(s);
        headers.forEach(res::header);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.writeBytes(new Problem("about:blank", s.reasonPhrase(), status, detail)));
    }
}
