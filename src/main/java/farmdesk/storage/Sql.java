package farmdesk.storage;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbResultDml;
import io.helidon.dbclient.DbRow;

/** Small helpers over the Helidon DB client that hide the few differences between H2 and PostgreSQL. */
public final class Sql {

    private Sql() {
    }

    /** Runs an INSERT and returns the generated {@code id} column (portable on H2 and PostgreSQL). */
    public static long insertReturningId(DbExecute exec, String idColumn, String sql, Object... params) {
        try (DbResultDml result = exec.createInsert(sql).params(params).returnColumns(List.of(idColumn)).insert()) {
            return result.generatedKeys().findFirst().orElseThrow().column(idColumn).get(Long.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A timestamp for a TIMESTAMP WITH TIME ZONE column. */
    public static OffsetDateTime timestamp(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    /** A column's value, or null for SQL NULL (the DB client's get() throws on NULL). */
    public static Object value(DbRow row, String column) {
        return row.column(column).asOptional().orElse(null);
    }

    /** TIMESTAMP WITH TIME ZONE comes back as OffsetDateTime on H2 and as Timestamp on PostgreSQL. */
    public static Instant instant(DbRow row, String column) {
        Object v = value(row, column);
        return switch (v) {
            case null -> null;
            case OffsetDateTime o -> o.toInstant();
            case Timestamp t -> t.toInstant();
            case Instant i -> i;
            default -> throw new IllegalStateException("unexpected timestamp type " + v.getClass());
        };
    }

    /** A nullable BIGINT column. */
    public static Long nullableLong(DbRow row, String column) {
        Object v = value(row, column);
        return v == null ? null : ((Number) v).longValue();
    }

    /** A BIGINT column (COUNT, MAX) that may come back as any Number, or null. */
    public static long longOrZero(DbRow row, String column) {
        Object v = value(row, column);
        return v == null ? 0L : ((Number) v).longValue();
    }

    /**
     * Whether a statement failed on a unique or primary key (SQLSTATE 23505 on H2 and PostgreSQL alike),
     * anywhere in the cause chain (the DB client wraps the driver's exception).
     */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
