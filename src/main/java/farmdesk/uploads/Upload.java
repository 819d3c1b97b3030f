package farmdesk.uploads;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

import farmdesk.auth.Viewer;

/**
 * One resumable upload (tus): who created it, how long it will be, how much arrived.
 *
 * @param contentType null while unfinished; the type decided by the bytes once complete
 * @param storedBytes the size of the stored (cleaned) file once complete, else null: may differ from {@code length}
 * @param width       an image's width as shown (orientation applied); null for PDF and while unfinished
 * @param height      likewise
 */
public record Upload(String id, String ownerId, long length, long received, String filename, String filetype,
                     String contentType, Instant createdAt, Instant expiresAt,
                     Long storedBytes, Integer width, Integer height) {

    private static final Pattern POSSIBLE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A new upload: nothing received yet. */
    public static Upload created(String id, String ownerId, long length, String filename, String filetype,
                                 Instant createdAt, Instant expiresAt) {
        return new Upload(id, ownerId, length, 0, filename, filetype, null, createdAt, expiresAt, null, null, null);
    }

    /**
     * Who owns an upload, as its {@code owner_id}: role and id, as tickets tell a farmer from an admin (a
     * marketplace's farmer and admin ids are separate namespaces and may be equal: an admin "F-1" is not the
     * farmer F-1).
     */
    public static String ownerOf(Viewer viewer) {
        return viewer.role().name().toLowerCase(Locale.ROOT) + ":" + viewer.id();
    }

    /**
     * Whether {@code id} can be an upload's id (they are 22 base64url characters; the column holds 64): anything
     * else is unknown without asking the database, which may refuse it (PostgreSQL errs on a NUL in text).
     */
    public static boolean isPossibleId(String id) {
        return id != null && POSSIBLE_ID.matcher(id).matches();
    }

    public boolean complete() {
        return contentType != null;
    }
}
