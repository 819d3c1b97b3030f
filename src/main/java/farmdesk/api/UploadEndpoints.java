package farmdesk.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.Refused;
import farmdesk.auth.RateLimiter;
import farmdesk.auth.Viewer;
import farmdesk.http.Caller;
import farmdesk.http.ErrorHandling;
import farmdesk.http.HttpDates;
import farmdesk.uploads.FileType;
import farmdesk.uploads.ImageCleaner;
import farmdesk.uploads.StoredFile;
import farmdesk.uploads.UnusableImage;
import farmdesk.uploads.Upload;
import farmdesk.uploads.UploadStore;

/**
 * Resumable uploads, tus 1.0.0 core + creation + termination + expiration (docs/api.md, "Uploads";
 * paths in {@code farmdesk.Routes}). Every answer carries Tus-Resumable, refusals included.
 */
public final class UploadEndpoints {

    /** The bytes of a PATCH are read and stored in pieces of this size: never a whole file in memory. */
    public static final int PIECE_BYTES = 256 * 1024;
    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,termination,expiration";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    private static final int MAX_NAME_CHARS = 255;
    private static final HeaderName TUS_RESUMABLE = HeaderNames.create("Tus-Resumable");
    private static final HeaderName UPLOAD_LENGTH = HeaderNames.create("Upload-Length");
    private static final HeaderName UPLOAD_OFFSET = HeaderNames.create("Upload-Offset");
    private static final HeaderName UPLOAD_METADATA = HeaderNames.create("Upload-Metadata");
    private static final HeaderName UPLOAD_EXPIRES = HeaderNames.create("Upload-Expires");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UploadStore store;
    private final ImageCleaner images;
    private final Caller caller;
    private final RateLimiter rateLimiter;
    private final long maxBytes;
    private final Duration expiry;
    private final Clock clock;

    public UploadEndpoints(UploadStore store, ImageCleaner images, Caller caller, RateLimiter rateLimiter, long maxBytes, Duration expiry,
                           Clock clock) {
        this.store = store;
        this.images = images;
        this.caller = caller;
        this.rateLimiter = rateLimiter;
        this.maxBytes = maxBytes;
        this.expiry = expiry;
        this.clock = clock;
    }

    /** OPTIONS: what the server speaks. No auth (tus clients ask before they have anything to send). */
    public void options(ServerRequest req, ServerResponse res) {
        res.header(TUS_RESUMABLE, VERSION);
        res.header("Tus-Version", VERSION);
        res.header("Tus-Extension", EXTENSIONS);
        res.header("Tus-Max-Size", Long.toString(maxBytes));
        res.status(Status.NO_CONTENT_204).send();
    }

    public Handler create() {
        return tus(this::doCreate);
    }

    public Handler head() {
        return tus(this::doHead);
    }

    public Handler patch() {
        return tus(this::doPatch);
    }

    public Handler delete() {
        return tus(this::doDelete);
    }

    private void doCreate(ServerRequest req, ServerResponse res) {
        Viewer viewer = caller.require(req);
        long length = number(req, UPLOAD_LENGTH, "Upload-Length")
                .orElseThrow(() -> Refused.invalid("Upload-Length is required (Upload-Defer-Length is not supported)"));
        if (length < 1) {
            throw Refused.invalid("Upload-Length must be at least 1");
        }
        if (length > maxBytes) {
            throw Refused.tooLarge("an upload must be at most " + maxBytes + " bytes (Tus-Max-Size)");
        }
        Map<String, String> metadata = metadata(req.headers().first(UPLOAD_METADATA).orElse(""));
        // an upload is a post in the making: it costs one token of the posting rate, as a message does
        long wait = rateLimiter.acquire(viewer.id());
        if (wait > 0) {
            throw Refused.tooMany("too many requests; retry in " + wait + " s", wait);
        }
        Instant now = clock.instant();
        Upload upload = Upload.created(newId(), owner(viewer), length, metadata.get("filename"), metadata.get("filetype"),
                now, now.plus(expiry));
        store.create(upload);
        res.header(HeaderNames.LOCATION, "/api/uploads/" + upload.id());
        res.header(UPLOAD_EXPIRES, HttpDates.format(upload.expiresAt()));
        res.status(Status.CREATED_201).send();
    }

    private void doHead(ServerRequest req, ServerResponse res) {
        Upload upload = owned(req, caller.require(req));
        res.header(UPLOAD_OFFSET, Long.toString(upload.received()));
        res.header(UPLOAD_LENGTH, Long.toString(upload.length()));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (!upload.complete()) {
            res.header(UPLOAD_EXPIRES, HttpDates.format(upload.expiresAt()));
        }
        res.status(Status.OK_200).send();
    }

    private void doPatch(ServerRequest req, ServerResponse res) {
        Viewer viewer = caller.require(req);
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.strip().toLowerCase(java.util.Locale.ROOT).startsWith(OFFSET_OCTET_STREAM)) {
            throw Refused.unsupportedType("a PATCH carries Content-Type: " + OFFSET_OCTET_STREAM).endingConnection();
        }
        long offset = number(req, UPLOAD_OFFSET, "Upload-Offset")
                .orElseThrow(() -> Refused.invalid("Upload-Offset is required").endingConnection());
        Upload upload = owned(req, viewer);
        if (offset != upload.received() || upload.complete()) {
            throw Refused.conflict("Upload-Offset " + offset + " is not the upload's offset " + upload.received()
                    + (upload.complete() ? " (it is complete)" : "") + "; ask with HEAD").endingConnection();
        }
        long remaining = upload.length() - offset;
        if (req.headers().contentLength().orElse(0) > remaining) {
            throw Refused.invalid("the body runs past Upload-Length (" + remaining + " bytes left)").endingConnection();
        }
        long received = receive(req.content().inputStream(), upload.id(), offset, remaining);
        if (received == upload.length()) {
            completeOrDiscard(upload);
        }
        res.header(UPLOAD_OFFSET, Long.toString(received));
        if (received < upload.length()) {
            res.header(UPLOAD_EXPIRES, HttpDates.format(upload.expiresAt()));
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * Stores the body piece by piece; returns the new offset. A body cut by the network keeps the bytes
     * that arrived (they are stored before the failure goes on), so the client resumes from HEAD's offset.
     */
    private long receive(InputStream body, String id, long offset, long remaining) {
        byte[] piece = new byte[(int) Math.min(PIECE_BYTES, remaining)];
        long at = offset;
        long left = remaining;
        int filled = 0;
        try {
            while (left > 0) {
                int n = body.read(piece, filled, (int) Math.min(piece.length - filled, left));
                if (n < 0) {
                    break;
                }
                filled += n;
                left -= n;
                if (filled == piece.length) {
                    at = store(id, at, piece, filled);
                    filled = 0;
                }
            }
            at = store(id, at, piece, filled);
            filled = 0;
            if (left == 0 && body.read() >= 0) {
                // a chunked body longer than the upload: what fits is kept, the rest refused
                throw Refused.invalid("the body runs past Upload-Length").endingConnection();
            }
            return at;
        } catch (Refused e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the connection was cut mid-body: keep what arrived, so that HEAD tells where to resume
            store(id, at, piece, filled);
            throw Refused.invalid("the body ended before its end (connection lost?); " + (at + filled)
                    + " bytes are stored: resume from HEAD's Upload-Offset").endingConnection();
        }
    }

    private long store(String id, long at, byte[] piece, int filled) {
        if (filled == 0) {
            return at;
        }
        if (!store.append(id, at, piece, filled)) {
            throw Refused.conflict("the upload moved on meanwhile (another PATCH?); ask with HEAD").endingConnection();
        }
        return at + filled;
    }

    /**
     * The type is decided by the bytes: off the allow-list, the upload is discarded and 415 answered. An
     * image is cleaned (metadata stripped, orientation applied, thumbnail made) before the PATCH answers;
     * one that is too large or does not decode is discarded with 415 as well.
     */
    private void completeOrDiscard(Upload upload) {
        byte[] head;
        try (InputStream in = store.read(upload.id())) {
            head = in.readNBytes(FileType.HEAD_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<FileType> type = FileType.of(head);
        if (type.isEmpty()) {
            store.delete(upload.id());
            throw Refused.unsupportedType("only JPEG, PNG, WebP and PDF files are accepted (decided by the bytes,"
                    + " not the name or type); the upload is discarded");
        }
        StoredFile stored;
        if (type.get() == FileType.PDF) {
            stored = StoredFile.asSent(FileType.PDF);
        } else {
            try {
                // the whole file in memory (at most FARMDESK_MAX_UPLOAD_BYTES): the decoders need it all
                // anyway, and its decoded pixels are the larger part (docs/deploy.md "Cleaning images")
                stored = images.clean(type.get(), readAll(upload.id()));
            } catch (UnusableImage e) {
                store.delete(upload.id());
                throw Refused.unsupportedType(e.getMessage() + "; the upload is discarded");
            }
        }
        if (!store.complete(upload.id(), stored)) {
            throw Refused.notFound("upload " + upload.id() + " was removed while it was being completed");
        }
    }

    private byte[] readAll(String id) {
        try (InputStream in = store.read(id)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void doDelete(ServerRequest req, ServerResponse res) {
        Upload upload = owned(req, caller.require(req));
        store.delete(upload.id());
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Who owns an upload: role and id ({@link Upload#ownerOf}; attaching checks the same). */
    private static String owner(Viewer viewer) {
        return Upload.ownerOf(viewer);
    }

    /** The caller's own upload, unexpired; anyone else's (admins' too) is not found. */
    private Upload owned(ServerRequest req, Viewer viewer) {
        String id = req.path().pathParameters().get("id");
        return store.find(id)
                .filter(u -> u.ownerId().equals(owner(viewer)))
                .filter(u -> u.complete() || u.expiresAt().isAfter(clock.instant()))
                .orElseThrow(() -> Refused.notFound("no upload " + id));
    }

    /**
     * Checks Tus-Resumable first (412 with Tus-Version when missing or another version) and puts
     * Tus-Resumable on every answer, refusals too.
     */
    private static Handler tus(Handler handler) {
        return (req, res) -> {
            Map<String, String> tusHeaders = new LinkedHashMap<>();
            tusHeaders.put("Tus-Resumable", VERSION);
            try {
                String asked = req.headers().first(TUS_RESUMABLE).orElse(null);
                if (!VERSION.equals(asked == null ? null : asked.strip())) {
                    tusHeaders.put("Tus-Version", VERSION);
                    throw Refused.preconditionFailed("Tus-Resumable: " + VERSION + " is required").endingConnection();
                }
                res.header(TUS_RESUMABLE, VERSION);
                handler.handle(req, res);
            } catch (Refused e) {
                ErrorHandling.send(res, e, tusHeaders);
            }
        };
    }

    /** A non-negative whole number header; absent: empty; anything else: 400. */
    private static Optional<Long> number(ServerRequest req, HeaderName name, String label) {
        Optional<String> value = req.headers().first(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().strip();
        if (!v.matches("[0-9]{1,18}")) {
            throw Refused.invalid(label + " must be a whole number from 0 to 999999999999999999").endingConnection();
        }
        return Optional.of(Long.parseLong(v));
    }

    /** Upload-Metadata: comma-separated "key base64value" pairs (the value may be absent). */
    static Map<String, String> metadata(String header) {
        Map<String, String> pairs = new HashMap<>();
        if (header.isBlank()) {
            return pairs;
        }
        for (String pair : header.split(",", -1)) {
            String[] kv = pair.strip().split(" ", -1);
            if (kv.length > 2 || kv[0].isEmpty()) {
                throw Refused.invalid("Upload-Metadata must be comma-separated 'key base64value' pairs");
            }
            String value = "";
            if (kv.length == 2) {
                try {
                    value = new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw Refused.invalid("Upload-Metadata: the value of " + kv[0] + " is not base64");
                }
            }
            if (value.codePointCount(0, value.length()) > MAX_NAME_CHARS || value.indexOf('\0') >= 0) {
                throw Refused.invalid("Upload-Metadata: " + kv[0] + " must be at most " + MAX_NAME_CHARS
                        + " characters, without NUL");
            }
            pairs.put(kv[0], value);
        }
        return pairs;
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
