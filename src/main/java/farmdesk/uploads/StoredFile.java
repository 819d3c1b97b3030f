package farmdesk.uploads;

/**
 * What a complete upload is stored as (docs/api.md "What is stored").
 *
 * @param contentType the type of the stored bytes (a WebP is stored as JPEG or PNG: see {@link ImageCleaner})
 * @param bytes       the cleaned bytes that replace the upload's, or null to keep the bytes as sent (PDF)
 * @param width       an image's width as shown, else null
 * @param height      likewise
 * @param thumbnail   an image's thumbnail (JPEG, longest side at most {@link Thumbnail#MAX_SIDE}), else null
 */
public record StoredFile(String contentType, byte[] bytes, Integer width, Integer height, byte[] thumbnail) {

    /** Kept byte for byte: no size, no thumbnail. */
    public static StoredFile asSent(FileType type) {
        return new StoredFile(type.contentType(), null, null, null, null);
    }
}
