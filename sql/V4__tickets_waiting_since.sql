-- Since when a ticket waits for an answer: the time of the farmer's first public message after the
-- last public answer of an admin, NULL when its newest public message is an admin's. Kept by the service
-- on every public message; the queue sorts by it ("oldest unanswered first", GET /api/tickets?sort=waiting).
ALTER TABLE tickets ADD COLUMN waiting_since TIMESTAMP WITH TIME ZONE;

UPDATE tickets SET waiting_since = (
    SELECT MIN(w.created_at) FROM messages w
    WHERE w.ticket_num = tickets.num AND w.internal = FALSE AND w.sender_role = 'farmer'
      AND w.id > COALESCE((SELECT MAX(x.id) FROM messages x
                           WHERE x.ticket_num = tickets.num AND x.internal = FALSE AND x.sender_role = 'admin'), 0));

CREATE INDEX tickets_by_wait ON tickets (waiting_since, num);
