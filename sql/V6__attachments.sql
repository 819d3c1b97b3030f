-- Attachments (issue 14, docs/api.md "Attachments"): what a complete upload became once cleaned, and the
-- message it is attached to. Portable SQL (H2 and PostgreSQL).

-- The stored file is the cleaned one (images: metadata stripped, orientation applied), replacing the
-- upload's chunks: its size may differ from Upload-Length. Null until the upload completes.
ALTER TABLE uploads ADD COLUMN stored_bytes BIGINT;
-- Pixel size of an image as shown (orientation applied); null for PDF.
ALTER TABLE uploads ADD COLUMN width INTEGER;
ALTER TABLE uploads ADD COLUMN height INTEGER;

-- A JPEG, longest side at most 320 px, made once when an image upload completes.
CREATE TABLE upload_thumbnails (
    upload_id VARCHAR(64) NOT NULL PRIMARY KEY,
    data      BYTEA       NOT NULL
);

-- An upload is attached once (the primary key), to one message, in the order the message listed it.
-- Attachments are never pruned with events (retention removes events, not messages).
CREATE TABLE message_attachments (
    upload_id  VARCHAR(64) NOT NULL PRIMARY KEY,
    message_id BIGINT      NOT NULL,
    position   INTEGER     NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments (message_id, position);
