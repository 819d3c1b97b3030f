package farmdesk.tickets;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A ticket as the API and events show it. {@code unread} exists only in REST answers (it depends on
 * the reader) and {@code messages} only where the contract asks for them; both are left out when null,
 * every other key is always present. {@code assigneeName} is the assignee's name as a known admin
 * (admins.KnownAdmins): null when unassigned, or for an assignee set before admins were recorded.
 * {@code waitingSince}: when the farmer's unanswered messages began (the ticket's newest public message is
 * theirs), else null.
 */
public record Ticket(String id,
                     String farmerId,
                     String farmerName,
                     String subject,
                     String category,
                     String priority,
                     String status,
                     String assigneeId,
                     String assigneeName,
                     Instant createdAt,
                     Instant updatedAt,
                     Instant waitingSince,
                     Message.Summary lastMessage,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Integer unread,
                     @JsonInclude(JsonInclude.Include.NON_NULL) List<Message> messages) {

    /**
     * The ticket as a new public message leaves it: last message, activity time, status, and since when
     * it waits for an answer (a farmer's message starts the wait unless one runs; an admin's ends it).
     */
    public Ticket afterMessage(Message m, String newStatus) {
        Instant waiting = !"farmer".equals(m.senderRole()) ? null : waitingSince != null ? waitingSince : m.createdAt();
        return new Ticket(id, farmerId, farmerName, subject, category, priority, newStatus, assigneeId, assigneeName,
                createdAt, m.createdAt(), waiting, new Message.Summary(m.id(), m.senderRole(), m.text(), m.createdAt()),
                unread, messages);
    }

    public Ticket withUnread(int count) {
        return new Ticket(id, farmerId, farmerName, subject, category, priority, status, assigneeId, assigneeName,
                createdAt, updatedAt, waitingSince, lastMessage, count, messages);
    }

    public Ticket withMessages(List<Message> list) {
        return new Ticket(id, farmerId, farmerName, subject, category, priority, status, assigneeId, assigneeName,
                createdAt, updatedAt, waitingSince, lastMessage, unread, list);
    }
}
