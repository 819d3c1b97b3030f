package farmdesk.uploads;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

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

    public DatabaseUploadStore(DbClient db) {
        this.db = db;
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
        return Transactions.inOne(db, tx -> {
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
        });
    }

    @Override
    public boolean complete(String id, StoredFile stored) {
        return Transactions.inOne(db, tx -> {
            if (stored.bytes() == null) {
                return tx.dml("UPDATE uploads SET content_type = ?, stored_bytes = received"
                        + " WHERE id = ? AND content_type IS NULL", stored.contentType(), id) == 1;
            }
            byte[] bytes = stored.bytes();
            int pieces = (bytes.length + PIECE_BYTES - 1) / PIECE_BYTES;
            // the update first: it takes the row's lock, so a DELETE or a sweep racing it waits, then finds
            // a complete upload (or this finds none and writes nothing)
            long updated = tx.dml("UPDATE uploads SET content_type = ?, stored_bytes = ?, width = ?, height = ?,"
                            + " chunks = ? WHERE id = ? AND content_type IS NULL",
                    stored.contentType(), (long) bytes.length, stored.width(), stored.height(), pieces, id);
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
        });
    }

    @Override
    public InputStream read(String id) {
        return new PieceStream(seq -> db.execute()
                .get("SELECT data FROM upload_chunks WHERE upload_id = ? AND seq = ?", id, seq)
                .map(r -> r.column("data").get(byte[].class))
                .orElse(null));
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
        return new PieceStream(seq -> db.execute()
                .get("SELECT data FROM upload_chunks WHERE upload_id = ? AND seq = ?", id, seq)
                .map(r -> r.column("data").get(byte[].class))
                .orElse(null), first, (int) Math.min(from - start, Integer.MAX_VALUE));
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

    @Override
    public int expire(Instant now) {
        int removed = 0;
        while (true) {
            List<String> ids = db.execute().query("SELECT id FROM uploads WHERE content_type IS NULL AND expires_at < ?"
                            + " ORDER BY expires_at FETCH FIRST " + EXPIRE_BATCH + " ROWS ONLY", Sql.timestamp(now))
                    .map(r -> (String) Sql.value(r, "id")).toList();
            for (String id : ids) {
                if (delete(id)) {
                    removed++;
                }
            }
            if (ids.size() < EXPIRE_BATCH) {
                return removed;
            }
        }
    }
}
