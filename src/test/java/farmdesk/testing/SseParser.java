package farmdesk.testing;

/**
 * The text/event-stream wire format, per the HTML specification: fields, comments, multi-line data,
 * dispatch on a blank line. Fed one line at a time (BufferedReader.readLine splits on CR, LF and CRLF,
 * as the specification does), so a caller may read synchronously (and stall) or on its own thread.
 */
public final class SseParser {

    private String id;
    private String type;
    private StringBuilder data;
    private String retry;
    private String comment;

    /** Feeds one line; returns the event a blank line completes, else null. */
    public SseClient.Event line(String line) {
        comment = null;
        if (line.isEmpty()) {
            SseClient.Event e = data == null ? null
                    : new SseClient.Event(id, type == null ? "message" : type, data.toString());
            id = null;
            type = null;
            data = null;
            return e;
        }
        if (line.startsWith(":")) {
            comment = line.substring(1).strip();
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> type = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            case "retry" -> retry = value;
            default -> { }
        }
        return null;
    }

    /** The comment the last line carried (without its colon), or null. */
    public String comment() {
        return comment;
    }

    /** The last {@code retry:} value seen, or null. */
    public String retry() {
        return retry;
    }
}
