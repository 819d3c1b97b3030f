package farmdesk.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Which answers {@link GzipAnswers} may compress. Helidon 4.5 compresses every answer with a body whose request
 * accepts gzip, with no option by path or content type, and it reads the request's {@code Accept-Encoding} as
 * it arrived (a filter's replacement of it is not seen). So this filter marks the request's thread while an
 * event stream or a poll is handled, and the encoder passes the bytes of a marked thread through untouched: an
 * SSE stream through gzip would hold its events in the deflater until a flush, and a proxy that buffers
 * compressed streams is what the lab's gzip scenario breaks; a poll answer is mostly small and its latency is
 * the point. The mark works because a stream or poll writes its answer on the thread that handles it (one
 * virtual thread per request, the handler stays on it: docs and helidon notes, "SSE handler must stay on its
 * thread"). Everything else (pages, scripts, styles, JSON) may be compressed and says
 * {@code Vary: Accept-Encoding}, so a shared cache keeps both forms apart.
 */
public final class CompressionScope implements Filter {

    private static final ThreadLocal<Boolean> PLAIN = new ThreadLocal<>();
    private static final Header VARY = HeaderValues.create(HeaderNames.VARY, "Accept-Encoding");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!isLive(req.path().path()) && !isAttachment(req.path().path())) {
            res.beforeSend(() -> res.headers().add(VARY)); // at the end: a filter setting Vary (CORS) keeps it
            chain.proceed();
            return;
        }
        PLAIN.set(Boolean.TRUE);
        try {
            chain.proceed();
        } finally {
            PLAIN.remove();
        }
    }

    /** True while this thread handles a stream or a poll: its answer leaves as it is written. */
    static boolean plainOnThisThread() {
        return PLAIN.get() != null;
    }

    /**
     * An attachment's bytes: images and PDFs are compressed already, and a range request's offsets are
     * those of the file, not of a gzip stream.
     */
    static boolean isAttachment(String path) {
        return path.startsWith("/api/attachments/");
    }

    /** A stream ({@code .../events}) or a poll ({@code .../events/poll}). */
    static boolean isLive(String path) {
        return path.startsWith("/api/") && (path.endsWith("/events") || path.endsWith("/events/poll"));
    }
}
