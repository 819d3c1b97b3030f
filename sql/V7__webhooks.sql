-- Webhooks (issue 15, docs/api.md "Webhooks"): delivery state per endpoint, and the lease that lets one
-- instance at a time deliver. Portable SQL (H2 and PostgreSQL).

-- One row per endpoint URL: the id of the last event handled (delivered, or skipped as not chosen), so a
-- restart or another instance continues right after it; and the failure state of the event after it.
CREATE TABLE webhook_cursors (
    url            VARCHAR(2000) NOT NULL PRIMARY KEY,
    last_id        BIGINT        NOT NULL,
    delivered      BIGINT        NOT NULL,
    failing_since  TIMESTAMP WITH TIME ZONE,
    attempts       INTEGER       NOT NULL,
    last_error     VARCHAR(500),
    paused         BOOLEAN       NOT NULL
);

-- The delivery lease: the instance named in holder delivers until lease_until, and renews it well before.
CREATE TABLE webhook_lease (
    name        VARCHAR(32)  NOT NULL PRIMARY KEY,
    holder      VARCHAR(64)  NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO webhook_lease (name, holder, lease_until) VALUES ('delivery', '', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00+00');
