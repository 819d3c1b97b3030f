-- The derived webhook event reply-waiting (issue 15, docs/api.md "Webhooks"): one row per admin reply
-- that was the first unread one of a ticket for the set time, whether the event was emitted (no push
-- reached the farmer) or not. The primary key makes the decision once per reply, across restarts and
-- instances (appends are serialised, so the check and the insert see every other instance's decision).
CREATE TABLE reply_waiting (
    message_id BIGINT  NOT NULL PRIMARY KEY,
    ticket_num BIGINT  NOT NULL,
    emitted    BOOLEAN NOT NULL,
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The sweep looks at the replies of a bounded time window: by time, not a scan of every message.
CREATE INDEX messages_by_time ON messages (created_at, id);
