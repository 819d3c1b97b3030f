package farmdesk.tickets;

/**
 * A file attached to a message, as the API and events show it (docs/api.md, "Attachments"). The bytes
 * are served at {@code url}, with the visibility of the message; {@code thumbnailUrl} is null for a PDF.
 *
 * @param id       the upload's id
 * @param name     the file name as the client sent it in Upload-Metadata (never trusted for anything), or null
 * @param size     the stored bytes (the cleaned file's size once images are cleaned)
 * @param width    an image's width in pixels as shown, or null (a PDF, or not measured)
 * @param height   likewise
 */
public record Attachment(String id, String name, String contentType, long size, Integer width, Integer height,
                         String url, String thumbnailUrl) {

    public static final String PDF = "application/pdf";

    /** What an attached upload shows: its links follow from its id, a thumbnail from its type. */
    public static Attachment of(String id, String name, String contentType, long size, Integer width, Integer height) {
        String url = "/api/attachments/" + id;
        return new Attachment(id, name, contentType, size, width, height, url,
                PDF.equals(contentType) ? null : url + "/thumbnail");
    }

    public boolean isImage() {
        return contentType.startsWith("image/");
    }
}
