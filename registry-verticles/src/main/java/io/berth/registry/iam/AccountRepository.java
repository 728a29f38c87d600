package io.berth.registry.iam;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** SQL for accounts: users, organizations and robots. */
public final class AccountRepository {
    private static final String COLUMNS = """
            id, uuid, username, email, password_hash, kind, owner_id, enabled, verified, removed_tag_expiration_s, created_at""";

    public Future<Account> findByUsername(SqlClient db, String username) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account WHERE username = $1")
                .execute(Tuple.of(username))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Future<Account> findByEmail(SqlClient db, String email) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account WHERE lower(email) = lower($1) AND kind = 'user'")
                .execute(Tuple.of(email))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Future<Account> findById(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Future<Long> countUsers(SqlClient db) {
        return db.query("SELECT count(*) FROM account WHERE kind = 'user'").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Inserts a user; a taken name or e-mail surfaces as a unique violation (SQLSTATE 23505). */
    public Future<Account> insertUser(SqlClient db, String username, String email, String passwordHash,
                                      long removedTagExpirationS) {
        return db.preparedQuery("""
                        INSERT INTO account (uuid, username, email, password_hash, kind, removed_tag_expiration_s)
                        VALUES ($1, $2, $3, $4, 'user', $5)
                        RETURNING """ + " " + COLUMNS)
                .execute(Tuple.of(UUID.randomUUID(), username, email, passwordHash, removedTagExpirationS))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Sets the namespace's time-machine window. */
    public Future<Account> setTagExpiration(SqlClient db, long id, long seconds) {
        return db.preparedQuery("UPDATE account SET removed_tag_expiration_s = $2 WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id, seconds))
                .map(rows -> map(rows.iterator().next()));
    }

    static Account map(Row r) {
        return new Account(r.getLong("id"), r.getUUID("uuid"), r.getString("username"), r.getString("email"),
                r.getString("password_hash"), r.getString("kind"), r.getLong("owner_id"), r.getBoolean("enabled"),
                r.getBoolean("verified"), r.getLong("removed_tag_expiration_s"), r.getOffsetDateTime("created_at"));
    }
}
