package io.berth.registry.iam;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for robot accounts: the account row (kind robot) and its sealed token and metadata. */
public final class RobotRepository {

    /** A robot; {@code tokenSealed} is the token sealed with the database key. */
    public record Robot(long id, String name, long ownerId, boolean ownerEnabled, String tokenSealed, int generation,
                        String description, JsonObject metadata, OffsetDateTime created, OffsetDateTime lastAccessed) {}

    private static final String SELECT = """
            SELECT a.id, a.username, a.owner_id, o.enabled, r.token_sealed, r.token_generation, r.description,
                   r.unstructured_metadata, a.created_at, r.last_accessed
            FROM account a JOIN robot r ON r.account_id = a.id JOIN account o ON o.id = a.owner_id
            """;

    /** Creates the robot, or returns null when the name is taken. */
    public Future<Long> insert(SqlClient db, long ownerId, String name, String tokenSealed, String description,
                               JsonObject metadata) {
        return db.preparedQuery("""
                        INSERT INTO account (uuid, username, kind, owner_id) VALUES ($1, $2, 'robot', $3)
                        ON CONFLICT (username) DO NOTHING RETURNING id""")
                .execute(Tuple.of(UUID.randomUUID(), name, ownerId))
                .compose(rows -> {
                    if (rows.size() == 0) return Future.succeededFuture(null);
                    long id = rows.iterator().next().getLong(0);
                    return db.preparedQuery("""
                                    INSERT INTO robot (account_id, token_sealed, description, unstructured_metadata)
                                    VALUES ($1, $2, $3, $4)""")
                            .execute(Tuple.of(id, tokenSealed, description, metadata))
                            .map(v -> id);
                });
    }

    public Future<Robot> find(SqlClient db, String name) {
        return db.preparedQuery(SELECT + " WHERE a.username = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** The namespace's robots by name. */
    public Future<List<Robot>> list(SqlClient db, long ownerId) {
        return db.preparedQuery(SELECT + " WHERE a.owner_id = $1 AND a.kind = 'robot' ORDER BY a.username")
                .execute(Tuple.of(ownerId))
                .map(rows -> {
                    var out = new ArrayList<Robot>(rows.size());
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /** Replaces the token and returns the new generation. */
    public Future<Integer> replaceToken(SqlClient db, long id, String tokenSealed) {
        return db.preparedQuery("""
                        UPDATE robot SET token_sealed = $2, token_generation = token_generation + 1
                        WHERE account_id = $1 RETURNING token_generation""")
                .execute(Tuple.of(id, tokenSealed))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    public Future<Void> touch(SqlClient db, long id) {
        return db.preparedQuery("UPDATE robot SET last_accessed = now() WHERE account_id = $1").execute(Tuple.of(id))
                .mapEmpty();
    }

    public Future<Void> delete(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM account WHERE id = $1 AND kind = 'robot'").execute(Tuple.of(id))
                .mapEmpty();
    }

    private static Robot map(Row r) {
        return new Robot(r.getLong(0), r.getString(1), r.getLong(2), r.getBoolean(3), r.getString(4), r.getInteger(5),
                r.getString(6), (JsonObject) r.getValue(7), r.getOffsetDateTime(8), r.getOffsetDateTime(9));
    }
}
