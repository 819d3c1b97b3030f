package farmdesk.tickets;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Ticket priority, as the lower-case words of the contract. */
public enum Priority {
    LOW, NORMAL, HIGH, URGENT;

    public static final String CHOICES = Arrays.stream(values()).map(Priority::json).collect(Collectors.joining(", "));

    public String json() {
        return name().toLowerCase();
    }

    /** The priority named {@code word}, or null. */
    public static Priority parse(String word) {
        for (Priority p : values()) {
            if (p.json().equals(word)) {
                return p;
            }
        }
        return null;
    }
}
