package io.berth.registry.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** SQLSTATE translation and row mapping shared by every repository. */
public final class Sql {
    private Sql() {}

    public static boolean isUniqueViolation(Throwable err) {
        return err instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** Every row, mapped. */
    public static <T> List<T> list(RowSet<Row> rows, Function<Row, T> map) {
        var out = new ArrayList<T>(rows.size());
        rows.forEach(r -> out.add(map.apply(r)));
        return out;
    }
}
