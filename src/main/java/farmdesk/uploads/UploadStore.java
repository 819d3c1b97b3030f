package farmdesk.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Where uploads and their bytes live. The database by default ({@link DatabaseUploadStore}), so several
 * instances share uploads with no extra part; a filesystem or S3-compatible store implements the same
 * few calls. Bytes always move in pieces: no call takes or returns a whole file.
 */
public interface UploadStore {

    void create(Upload upload);

    /** The upload as stored, expired or not (callers decide what expiry means to them). */
    Optional<Upload> find(String id);

    /**
     * Appends {@code length} bytes at {@code offset}, atomically. Returns false (nothing written) when the
     * upload is gone or its offset is no longer {@code offset} (another PATCH won the race).
     */
    boolean append(String id, long offset, byte[] data, int length);

    /**
     * Marks the upload complete as {@code stored} says, in one transaction: the cleaned bytes replace the
     * ones received (unless it keeps them as sent), its type, stored size and image size are set, and
     * its thumbnail is kept. False (nothing changed) when the upload is gone or already complete.
     */
    boolean complete(String id, StoredFile stored);

    /** The bytes in order, read piece by piece as the stream is read. */
    InputStream read(String id);

    /**
     * The bytes from offset {@code from} on (a range request), read piece by piece. A store that can
     * seek overrides this: the default reads and drops what comes before {@code from}.
     */
    default InputStream read(String id, long from) throws IOException {
        InputStream in = read(id);
        in.skipNBytes(from);
        return in;
    }

    /** An image upload's thumbnail (a JPEG, longest side at most 320 px), once complete; else empty. */
    Optional<byte[]> thumbnail(String id);

    /** Removes the upload, its bytes and its thumbnail; false when there was none. */
    boolean delete(String id);

    /** Removes the unfinished uploads whose expiry is before {@code now}; returns how many. */
    int expire(Instant now);
}
