-- Web Push policy (issue 15, docs/api.md "Web Push": grace, grouping, presence). Portable SQL (H2 and PostgreSQL).

-- Who has a live connection (an SSE stream or a held poll) on which instance: a push is only for people
-- live on no instance. An instance inserts a user's row when their first connection opens there,
-- refreshes seen_until of all its rows in one statement every ~15 s, and deletes the rows of users who
-- left (and all its rows at a graceful stop). A killed instance's rows are ignored once seen_until has
-- passed, and deleted by the next instance's refresh.
CREATE TABLE push_presence (
    user_id    VARCHAR(64) NOT NULL,
    instance   VARCHAR(64) NOT NULL,
    seen_until TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, instance)
);

-- One row per person (with a subscription) and ticket: the notices waiting to be pushed (pending, folded
-- into one push with a count, due when the grace period and the grouping window allow), and what was
-- pushed before (pushed_at: the last push, which starts the next grouping window; reached_at: the last
-- push a push service accepted, for the reply-waiting webhook). Rows are written in the same transaction
-- that moves the push cursor past their events, so a restart neither loses nor repeats one.
CREATE TABLE push_notices (
    user_id     VARCHAR(64)   NOT NULL,
    user_role   VARCHAR(16)   NOT NULL,
    ticket_num  BIGINT        NOT NULL,
    pending     INTEGER       NOT NULL,  -- events folded in and not pushed yet (0: none)
    event_id    BIGINT        NOT NULL,  -- the newest event folded in (the payload's eventId)
    kind        VARCHAR(32),             -- the newest pending notice's kind, title and text
    title       VARCHAR(400),
    body        VARCHAR(1000),
    urgency     VARCHAR(16),
    message_id  BIGINT,                  -- the newest pending message: read up to it, no push
    due_at      TIMESTAMP WITH TIME ZONE, -- when the pending notices are pushed; NULL when none pending
    pushed_at   TIMESTAMP WITH TIME ZONE,
    reached_at  TIMESTAMP WITH TIME ZONE,
    touched_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, user_role, ticket_num)
);
CREATE INDEX push_notices_due ON push_notices (due_at);
