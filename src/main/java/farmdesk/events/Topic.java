package farmdesk.events;

/** What a stream listens to: one ticket, all tickets of one farmer, or every ticket. */
public sealed interface Topic {

    boolean matches(Event event);

    /** For metrics and logs: ticket, farmer or admin. */
    String kind();

    record Ticket(long ticket) implements Topic {
        public boolean matches(Event e) {
            return e.ticket() == ticket;
        }

        public String kind() {
            return "ticket";
        }
    }

    record Farmer(String farmerId) implements Topic {
        public boolean matches(Event e) {
            return e.farmerId().equals(farmerId);
        }

        public String kind() {
            return "farmer";
        }
    }

    record All() implements Topic {
        public boolean matches(Event e) {
            return true;
        }

        public String kind() {
            return "admin";
        }
    }
}
