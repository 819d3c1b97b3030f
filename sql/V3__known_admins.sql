-- The admins known to the service: each admin whose valid token was used on the API, with the display
-- name of their latest token. A ticket's assignee must be one of them (docs/api.md, "Admins").
-- Ids and names sized like the other user columns (64 and 100 code points, twice in UTF-16 units).
CREATE TABLE admins (
    id         VARCHAR(128) NOT NULL PRIMARY KEY,
    name       VARCHAR(400) NOT NULL,
    first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen  TIMESTAMP WITH TIME ZONE NOT NULL
);
