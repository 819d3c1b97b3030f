package farmdesk.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.Viewer;
import farmdesk.http.ByteRange;
import farmdesk.http.Caller;
import farmdesk.http.ContentDisposition;
import farmdesk.http.ErrorHandling;
import farmdesk.tickets.Attachment;
import farmdesk.tickets.TicketService;
import farmdesk.uploads.UploadStore;

/**
 * Attachment downloads (docs/api.md, "Attachments"; paths in {@code farmdesk.Routes}): the file and its
 * thumbnail, with exactly the visibility of the message (TicketService.attachment), streamed from the
 * store piece by piece (never a whole file in memory), one byte range at a time.
 *
 * <p>The bytes are a user's: they are served so that a browser can do nothing with them but show an image
 * or save a file. {@code nosniff} (the type is the one decided from the bytes), a policy that allows nothing
 * and sandboxes the document (an SVG or HTML that slipped past would run no script, in no origin), a PDF
 * saved rather than opened in the page's origin.
 */
public final class AttachmentEndpoints {

    /** What an attachment's answer allows a browser to do with it: nothing but show it. */
    static final String POLICY = "default-src 'none'; sandbox";
    /** An attachment never changes (an upload is attached once, after its file was cleaned). */
    static final String CACHE = "private, max-age=31536000, immutable";
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final int COPY_BYTES = 64 * 1024;

    private final TicketService tickets;
    private final UploadStore store;
    private final Caller caller;

    public AttachmentEndpoints(TicketService tickets, UploadStore store, Caller caller) {
        this.tickets = tickets;
        this.store = store;
        this.caller = caller;
    }

    /** GET /api/attachments/{id}: the file as stored. */
    public void file(ServerRequest req, ServerResponse res) {
        Attachment a = visible(req);
        serve(req, res, a.contentType(), a.size(), "\"" + a.id() + "\"",
                ContentDisposition.of(a.isImage(), a.name()), from -> store.read(a.id(), from));
    }

    /** GET /api/attachments/{id}/thumbnail: a JPEG, longest side at most 320 px; 404 when there is none (a PDF). */
    public void thumbnail(ServerRequest req, ServerResponse res) {
        Attachment a = visible(req);
        byte[] jpeg = a.thumbnailUrl() == null ? null : store.thumbnail(a.id()).orElse(null);
        if (jpeg == null) {
            throw Refused.notFound("attachment " + a.id() + " has no thumbnail");
        }
        serve(req, res, "image/jpeg", jpeg.length, "\"" + a.id() + "-thumbnail\"",
                ContentDisposition.of(true, thumbnailName(a.name())), from -> {
                    InputStream in = new ByteArrayInputStream(jpeg);
                    in.skipNBytes(from);
                    return in;
                });
    }

    private Attachment visible(ServerRequest req) {
        Viewer viewer = caller.requireForDownload(req);
        return tickets.attachment(viewer, req.path().pathParameters().get("id"));
    }

    /** The bytes from an offset on. */
    @FunctionalInterface
    private interface Source {
        InputStream from(long offset) throws IOException;
    }

    private static void serve(ServerRequest req, ServerResponse res, String type, long size, String etag,
                              String disposition, Source source) {
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(CONTENT_SECURITY_POLICY, POLICY);
        res.header(HeaderNames.CACHE_CONTROL, CACHE);
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        Optional<String> ifNoneMatch = req.headers().first(HeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch.isPresent() && (ifNoneMatch.get().strip().equals("*") || ifNoneMatch.get().contains(etag))) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        // If-Range with another validator: the client's part is of something else, so the whole file
        boolean rangeApplies = req.headers().first(HeaderNames.IF_RANGE).map(v -> v.strip().equals(etag)).orElse(true);
        ByteRange.Asked asked = ByteRange.parse(
                rangeApplies ? req.headers().first(HeaderNames.RANGE).orElse(null) : null, size);
        if (asked instanceof ByteRange.Unsatisfiable) {
            ErrorHandling.send(res, Refused.rangeNotSatisfiable("the range starts past the end (" + size + " bytes)"),
                    Map.of("Content-Range", ByteRange.unsatisfied(size)));
            return;
        }
        ByteRange range = asked instanceof ByteRange.Part p ? p.range() : new ByteRange(0, size - 1);
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.header(HeaderNames.CONTENT_DISPOSITION, disposition);
        if (asked instanceof ByteRange.Part) {
            res.status(Status.PARTIAL_CONTENT_206);
            res.header(HeaderNames.CONTENT_RANGE, range.contentRange(size));
        } else {
            res.status(Status.OK_200);
        }
        long length = size == 0 ? 0 : range.length();
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        if (req.prologue().method() == Method.HEAD) {
            // what a GET would answer, without its bytes (download managers ask the size and ranges first)
            res.send();
            return;
        }
        try (InputStream in = source.from(range.first()); OutputStream out = res.outputStream()) {
            copy(in, out, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exactly {@code length} bytes (fewer only if the store holds fewer), through one small buffer. */
    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(COPY_BYTES, Math.max(1, length))];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static String thumbnailName(String name) {
        if (name == null || name.isBlank()) {
            return "thumbnail.jpg";
        }
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + "-thumbnail.jpg";
    }
}
