package farmdesk.uploads;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import farmdesk.storage.PoolShare;
import farmdesk.storage.Sql;
import farmdesk.storage.Transactions;

/**
 * Uploads in the tables of sql/V5__uploads.sql: one {@code uploads} row each, its bytes in
 * {@code upload_chunks} rows (one per appended piece, at most {@code UploadEndpoints.PIECE_BYTES}).
 */
public final class DatabaseUploadStore implements UploadStore {

    /** A stored piece, as the PATCHes store them (sql/V5__uploads.sql: rows of at most 256 KiB). */
    private static final int PIECE_BYTES = 256 * 1024;
    /** Expired uploads removed per sweep statement batch: a sweep never holds long locks. */
    private static final int EXPIRE_BATCH = 100;

    private final DbClient db;
    private final Clock clock;
    private final Duration unattachedExpiry;
    private final PoolShare share;

    /**
     * @param unattachedExpiry how long a complete upload is kept after its completion while no message has it
     * @param share            the connections that the bytes (pieces written and read) move through
     */
    public DatabaseUploadStore(DbClient db, Clock clock, Duration unattachedExpiry, PoolShare share) {
        this.db = db;
        this.clock = clock;
        this.unattachedExpiry = unattachedExpiry;
        this.share = share;
    }

    @Override
    public void create(Upload u) {
        db.execute().dml("INSERT INTO uploads (id, owner_id, total_bytes, received, chunks, filename, filetype, content_type,"
                        + " created_at, expires_at) VALUES (?, ?, ?, 0, 0, ?, ?, NULL, ?, ?)",
                u.id(), u.ownerId(), u.length(), u.filename(), u.filetype(),
                Sql.timestamp(u.createdAt()), Sql.timestamp(u.expiresAt()));
    }

    @Override
    public Optional<Upload> find(String id) {
        if (!Upload.isPossibleId(id)) {
            return Optional.empty();
        }
        return db.execute().get("SELECT id, owner_id, total_bytes, received, filename, filetype, content_type, created_at,"
                + " expires_at, stored_bytes, width, height FROM uploads WHERE id = ?", id).map(DatabaseUploadStore::upload);
    }

    private static Upload upload(DbRow r) {
        return new Upload((String) Sql.value(r, "id"), (String) Sql.value(r, "owner_id"),
                Sql.longOrZero(r, "total_bytes"), Sql.longOrZero(r, "received"),
                (String) Sql.value(r, "filename"), (String) Sql.value(r, "filetype"),
                (String) Sql.value(r, "content_type"), Sql.instant(r, "created_at"), Sql.instant(r, "expires_at"),
                nullableLong(r, "stored_bytes"), nullableInt(r, "width"), nullableInt(r, "height"));
    }

    private static Long nullableLong(DbRow r, String column) {
        Object v = Sql.value(r, column);
        return v == null ? null : ((Number) v).longValue();
    }

    private static Integer nullableInt(DbRow r, String column) {
        Object v = Sql.value(r, column);
        return v == null ? null : ((Number) v).intValue();
    }

    @Override
    public boolean append(String id, long offset, byte[] data, int length) {
        byte[] piece = length == data.length ? data : java.util.Arrays.copyOf(data, length);
        return share.use(() -> Transactions.inOne(db, tx -> {
            // the offset check and the move are one statement: of two PATCHes racing at one offset, one wins
            // (the loser changed nothing: its empty transaction commits)
            long moved = tx.dml("UPDATE uploads SET received = received + ?, chunks = chunks + 1"
                    + " WHERE id = ? AND received = ? AND content_type IS NULL", (long) length, id, offset);
            if (moved != 1) {
                return false;
            }
            long seq = Sql.longOrZero(tx.get("SELECT chunks FROM uploads WHERE id = ?", id).orElseThrow(), "chunks") - 1;
            tx.dml("INSERT INTO upload_chunks (upload_id, seq, data) VALUES (?, ?, ?)", id, (int) seq, piece);
            return true;
        }));
    }

    @Override
    public boolean complete(String id, StoredFile stored) {
        // from now on it expires unless attached (a complete upload nobody attaches is not kept for ever)
        Object expiresAt = Sql.timestamp(clock.instant().plus(unattachedExpiry));
        return share.use(() -> Transactions.inOne(db, tx -> {
            if (stored.bytes() == null) {
                return tx.dml("UPDATE uploads SET content_type = ?, stored_bytes = received, expires_at = ?"
                        + " WHERE id = ? AND content_type IS NULL", stored.contentType(), expiresAt, id) == 1;
            }
            byte[] bytes = stored.bytes();
            int pieces = (bytes.length + PIECE_BYTES - 1) / PIECE_BYTES;
            // the update first: it takes the row's lock, so a DELETE or a sweep racing it waits, then finds
            // a complete upload (or this finds none and writes nothing)
            long updated = tx.dml("UPDATE uploads SET content_type = ?, stored_bytes = ?, width = ?, height = ?,"
                            + " chunks = ?, expires_at = ? WHERE id = ? AND content_type IS NULL",
                    stored.contentType(), (long) bytes.length, stored.width(), stored.height(), pieces, expiresAt, id);
            if (updated != 1) {
                return false;
            }
            tx.dml("DELETE FROM upload_chunks WHERE upload_id = ?", id);
            for (int seq = 0; seq < pieces; seq++) {
                byte[] piece = java.util.Arrays.copyOfRange(bytes, seq * PIECE_BYTES,
                        Math.min(bytes.length, (seq + 1) * PIECE_BYTES));
                tx.dml("INSERT INTO upload_chunks (upload_id, seq, data) VALUES (?, ?, ?)", id, seq, piece);
            }
            tx.dml("DELETE FROM upload_thumbnails WHERE upload_id = ?", id);
            if (stored.thumbnail() != null) {
                tx.dml("INSERT INTO upload_thumbnails (upload_id, data) VALUES (?, ?)", id, stored.thumbnail());
            }
            return true;
        }));
    }

    @Override
    public InputStream read(String id) {
        return new PieceStream(seq -> piece(id, seq));
    }

    /**
     * Pieces have the sizes their PATCHes gave them (a cut PATCH stores a short one): the piece holding
     * {@code from} is found from their lengths, without reading any bytes before it.
     */
    @Override
    public InputStream read(String id, long from) {
        int first = 0;
        long start = 0;
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT OCTET_LENGTH(data) AS n FROM upload_chunks WHERE upload_id = ? ORDER BY seq", id)) {
            for (var it = rows.iterator(); it.hasNext(); ) {
                long n = Sql.longOrZero(it.next(), "n");
                if (start + n > from) {
                    break;
                }
                start += n;
                first++;
            }
        }
        return new PieceStream(seq -> piece(id, seq), first, (int) Math.min(from - start, Integer.MAX_VALUE));
    }

    /** One stored piece, or null past the last. */
    private byte[] piece(String id, int seq) {
        return share.use(() -> db.execute()
                .get("SELECT data FROM upload_chunks WHERE upload_id = ? AND seq = ?", id, seq)
                .map(r -> r.column("data").get(byte[].class))
                .orElse(null));
    }

    @Override
    public Optional<byte[]> thumbnail(String id) {
        return db.execute().get("SELECT data FROM upload_thumbnails WHERE upload_id = ?", id)
                .map(r -> r.column("data").get(byte[].class));
    }

    @Override
    public boolean delete(String id) {
        return Transactions.inOne(db, tx -> {
            tx.dml("DELETE FROM upload_chunks WHERE upload_id = ?", id);
            tx.dml("DELETE FROM upload_thumbnails WHERE upload_id = ?", id);
            return tx.dml("DELETE FROM uploads WHERE id = ?", id) == 1;
        });
    }

    /**
     * Removes the expired uploads no message has: unfinished ones, and complete ones never attached. An
     * attached upload is never removed (its expiry passes, but it belongs to its message now).
     */
    @Override
    public int expire(Instant now) {
        int removed = 0;
        while (true) {
            List<String> ids = db.execute().query("SELECT u.id FROM uploads u WHERE u.expires_at < ? AND NOT EXISTS"
                            + " (SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id)"
                            + " ORDER BY u.expires_at FETCH FIRST " + EXPIRE_BATCH + " ROWS ONLY", Sql.timestamp(now))
                    .map(r -> (String) Sql.value(r, "id")).toList();
            for (String id : ids) {
                if (deleteUnattached(id, now)) {
                    removed++;
                }
            }
            if (ids.size() < EXPIRE_BATCH) {
                return removed;
            }
        }
    }

    /**
     * Deletes an expired upload unless a message has it by now. The upload's row is locked first, as
     * attaching locks it (tickets.Attachments): of a post attaching it and this sweep, one waits for the
     * other, and sees what it did (attached: kept; deleted: the post answers 422).
     */
    private boolean deleteUnattached(String id, Instant now) {
        return Transactions.inOne(db, tx -> {
            boolean expired = tx.get("SELECT id FROM uploads WHERE id = ? AND expires_at < ? FOR UPDATE",
                    id, Sql.timestamp(now)).isPresent();
            if (!expired || tx.get("SELECT upload_id FROM message_attachments WHERE upload_id = ?", id).isPresent()) {
                return false;
            }
            tx.dml("DELETE FROM upload_chunks WHERE upload_id = ?", id);
            tx.dml("DELETE FROM upload_thumbnails WHERE upload_id = ?", id);
            return tx.dml("DELETE FROM uploads WHERE id = ?", id) == 1;
        });
    }
}
