package farmdesk.tickets;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Ticket ids as people see them: {@code TKT-} and the ticket number. */
public final class TicketId {

    private static final Pattern FORM = Pattern.compile("TKT-[1-9][0-9]{0,17}");

    private TicketId() {
    }

    public static String format(long num) {
        return "TKT-" + num;
    }

    /** The number inside a well-formed id; empty for anything else (which is then simply not found). */
    public static OptionalLong parse(String id) {
        if (id == null || !FORM.matcher(id).matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(id.substring(4)));
    }
}
