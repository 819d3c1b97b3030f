-- Resumable uploads (tus 1.0.0, docs/api.md "Uploads"). An upload's bytes are stored as chunk rows of
-- at most 256 KiB each, in order (seq 0, 1, ...), so that a request never holds a whole file in memory
-- and a cut PATCH keeps what arrived. Portable SQL: H2 takes BYTEA as an alias of BINARY VARYING.
CREATE TABLE uploads (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner_id     VARCHAR(128) NOT NULL,
    total_bytes  BIGINT       NOT NULL,
    received     BIGINT       NOT NULL,
    chunks       INTEGER      NOT NULL,
    filename     VARCHAR(1024),
    filetype     VARCHAR(512),
    content_type VARCHAR(64),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX uploads_expires_at ON uploads (expires_at);

CREATE TABLE upload_chunks (
    upload_id VARCHAR(64) NOT NULL,
    seq       INTEGER     NOT NULL,
    data      BYTEA       NOT NULL,
    PRIMARY KEY (upload_id, seq)
);
