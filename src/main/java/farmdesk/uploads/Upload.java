package farmdesk.uploads;

import java.time.Instant;
import java.util.Locale;

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

    public boolean complete() {
        return contentType != null;
    }
}
