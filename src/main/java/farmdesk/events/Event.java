package farmdesk.events;

import java.nio.charset.StandardCharsets;

/**
 * One event, as stored in the log and as sent to streams. Its wire forms (the SSE frame and the
 * long-poll JSON) are encoded once, here, and shared by every subscriber.
 */
public final class Event {

    public static final String TICKET_CREATED = "ticket-created";
    public static final String NEW_MESSAGE = "new-message";
    public static final String TICKET_UPDATED = "ticket-updated";
    public static final String TICKET_READ = "ticket-read";
    public static final String TYPING = "typing";
    /** Derived (hooks.ReplyWaiting): a farmer has left an admin's reply unread for the set time. Admins only. */
    public static final String REPLY_WAITING = "reply-waiting";

    /** The SSE comment heartbeat, offered to every stream at once by {@link Broadcaster#heartbeat}. */
    public static final Event HEARTBEAT = new Event(": ping\n\n");

    /** The object, its strings' headers and arrays' headers, the fields: roughly, on a 64-bit JVM. */
    private static final int OVERHEAD_BYTES = 160;

    private final long id;
    private final String type;
    private final long ticket;
    private final String farmerId;
    private final boolean adminOnly;
    private final String originUserId;
    private final String data;
    private final byte[] sseFrame;
    private final int footprint;
    private volatile byte[] pollJson;
    /** {@link System#nanoTime()} when this instance learned of the commit; 0 when unknown (a catch-up read). */
    private volatile long committedNanos;

    private Event(long id, String type, long ticket, String farmerId, boolean adminOnly, String originUserId, String data) {
        this.id = id;
        this.type = type;
        this.ticket = ticket;
        this.farmerId = farmerId;
        this.adminOnly = adminOnly;
        this.originUserId = originUserId;
        this.data = data;
        String idLine = id > 0 ? "id: " + id + "\n" : "";
        String frame = idLine + "event: " + type + "\ndata: " + data + "\n\n";
        this.sseFrame = frame.getBytes(StandardCharsets.UTF_8);
        // a String holds 1 byte per char when all are Latin-1 (pure ASCII here: frame bytes == chars), else 2
        int dataBytes = sseFrame.length == frame.length() ? data.length() : 2 * data.length();
        this.footprint = OVERHEAD_BYTES + 2 * sseFrame.length + dataBytes;
    }

    private Event(String comment) {
        this.id = 0;
        this.type = "heartbeat";
        this.ticket = 0;
        this.farmerId = "";
        this.adminOnly = false;
        this.originUserId = null;
        this.data = "{}";
        this.sseFrame = comment.getBytes(StandardCharsets.UTF_8);
        this.footprint = OVERHEAD_BYTES + sseFrame.length;
    }

    /** A stored event: it has an id from the log's sequence. */
    public static Event stored(long id, String type, long ticket, String farmerId, boolean adminOnly, String data) {
        if (id <= 0) {
            throw new IllegalArgumentException("stored events have positive ids");
        }
        return new Event(id, type, ticket, farmerId, adminOnly, null, data);
    }

    /** A live-only event (typing): no id, never stored, not sent back to the user who caused it. */
    public static Event live(String type, long ticket, String farmerId, String originUserId, boolean adminOnly,
                             String data) {
        return new Event(0, type, ticket, farmerId, adminOnly, originUserId, data);
    }

    /** The log id; 0 for live-only events. */
    public long id() {
        return id;
    }

    public boolean isStored() {
        return id > 0;
    }

    public String type() {
        return type;
    }

    /** The ticket number (the digits of {@code TKT-n}). */
    public long ticket() {
        return ticket;
    }

    /** The farmer who owns the ticket. */
    public String farmerId() {
        return farmerId;
    }

    /** Internal notes and what reveals them: never sent to a farmer. */
    public boolean adminOnly() {
        return adminOnly;
    }

    /** The user whose action this live event reports, or null. */
    public String originUserId() {
        return originUserId;
    }

    /** The event's data: one line of JSON. */
    public String data() {
        return data;
    }

    /**
     * When this instance learned that the event committed ({@link System#nanoTime()}): right after its own
     * commit, or when another instance's notification came; 0 when unknown (read in a catch-up). The start
     * of the delivery latency (metric {@code farmdesk_delivery_seconds}).
     */
    public long committedNanos() {
        return committedNanos;
    }

    /** Set once by the {@link Sequencer}, before the event is handed to anyone. */
    void committedAt(long nanos) {
        if (committedNanos == 0) {
            committedNanos = nanos;
        }
    }

    /** {@code id:}, {@code event:}, {@code data:} and the blank line, as UTF-8. Do not modify. */
    public byte[] sseFrame() {
        return sseFrame;
    }

    /**
     * About how many bytes of heap this event holds once both wire forms exist: the SSE frame, the poll
     * JSON (the frame's size, give or take the field names) and the data string. What
     * {@link RecentEvents} counts against its budget; an estimate, not an accounting.
     */
    public int footprint() {
        return footprint;
    }

    /**
     * {@code {"id":..,"type":..,"data":{..}}} as UTF-8, for long-poll answers (made on first use: most
     * events only ever go to streams). Do not modify.
     */
    public byte[] pollJson() {
        byte[] json = pollJson;
        if (json == null) {
            json = ("{\"id\":" + id + ",\"type\":\"" + type + "\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
            pollJson = json;
        }
        return json;
    }

    @Override
    public String toString() {
        return "Event[" + id + " " + type + " ticket " + ticket + "]";
    }
}
