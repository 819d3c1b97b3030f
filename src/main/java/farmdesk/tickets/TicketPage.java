package farmdesk.tickets;

import java.util.List;

/** A page of the ticket list and the opaque cursor of the next page (null on the last page). */
public record TicketPage(List<Ticket> tickets, String next) {
}
