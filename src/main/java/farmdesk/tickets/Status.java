package farmdesk.tickets;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Ticket status, as the lower-case words of the contract. */
public enum Status {
    OPEN, PENDING, RESOLVED, CLOSED;

    public static final String CHOICES = Arrays.stream(values()).map(Status::json).collect(Collectors.joining(", "));

    public String json() {
        return name().toLowerCase();
    }

    /** The status named {@code word}, or null. */
    public static Status parse(String word) {
        for (Status s : values()) {
            if (s.json().equals(word)) {
                return s;
            }
        }
        return null;
    }
}
