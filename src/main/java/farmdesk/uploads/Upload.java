package farmdesk.uploads;

import java.time.Instant;

/**
 * One resumable upload (tus): who created it, how long it will be, how much arrived.
 *
 * @param contentType null while unfinished; the type decided by the bytes once complete
 */
public record Upload(String id, String ownerId, long length, long received, String filename, String filetype,
                     String contentType, Instant createdAt, Instant expiresAt) {

    public boolean complete() {
        return contentType != null;
    }
}
