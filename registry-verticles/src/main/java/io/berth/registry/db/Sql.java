package io.berth.registry.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQLSTATE translation and row mapping shared by every repository. */
public final class Sql {
    private Sql() {}

    public static boolean isUniqueViolation(Throwable err) {
        return err instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** A row id from a request as the UUID it is keyed by; null when malformed, so that it finds nothing (a 404). */
    public static UUID uuidOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every row, mapped. */
    public static <T> List<T> list(RowSet<Row> rows, Function<Row, T> map) {
        var out = new ArrayList<T>(rows.size());
        rows.forEach(r -> out.add(map.apply(r)));
        return out;
    }
}
