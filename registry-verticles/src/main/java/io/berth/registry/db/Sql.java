package io.berth.registry.db;

import io.vertx.pgclient.PgException;

/** SQLSTATE translation shared by every repository. */
public final class Sql {
    private Sql() {}

    public static boolean isUniqueViolation(Throwable err) {
        return err instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
