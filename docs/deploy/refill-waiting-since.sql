-- Refills tickets.waiting_since from the stored messages: V4's back-fill, run again by an operator
-- once the last instance of a release before V4 is gone (docs/deploy.md, "Upgrades"). Such an
-- instance writes messages and tickets without keeping waiting_since, so tickets it touched after V4
-- was applied can be out of place in the queue's "waiting longest first" (a new ticket missing from
-- it, an answered one still in it) until this runs. The value is the one the service keeps: the time
-- of the farmer's first public message after the last public message of an admin; NULL when there is
-- none. Safe to run again; rewrites every ticket row, so run it at a quiet hour:
--   psql "$DATABASE" -f refill-waiting-since.sql
-- Tested: WaitingSinceBackfillTest (H2 and PostgreSQL).
UPDATE tickets SET waiting_since = (
    SELECT MIN(w.created_at) FROM messages w
    WHERE w.ticket_num = tickets.num AND w.internal = FALSE AND w.sender_role = 'farmer'
      AND w.id > COALESCE((SELECT MAX(x.id) FROM messages x
                           WHERE x.ticket_num = tickets.num AND x.internal = FALSE AND x.sender_role = 'admin'), 0));
