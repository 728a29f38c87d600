package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/** SQL for browser sessions ({@code web_session}). */
public final class SessionRepository {

    /** A live session of an enabled user. */
    public record Row(long accountId, String username, OffsetDateTime freshAt) {}

    public Future<Row> find(SqlClient db, String tokenHash) {
        return db.preparedQuery("""
                        SELECT s.account_id, a.username, s.fresh_at
                        FROM web_session s JOIN account a ON a.id = s.account_id
                        WHERE s.token_hash = $1 AND s.expires_at > now() AND a.enabled AND a.kind = 'user'""")
                .execute(Tuple.of(tokenHash))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new Row(r.getLong(0), r.getString(1), r.getOffsetDateTime(2));
                });
    }

    public Future<Void> insert(SqlClient db, String tokenHash, long accountId, OffsetDateTime expiresAt) {
        return db.preparedQuery("INSERT INTO web_session (token_hash, account_id, expires_at) VALUES ($1, $2, $3)")
                .execute(Tuple.of(tokenHash, accountId, expiresAt)).mapEmpty();
    }

    public Future<Void> delete(SqlClient db, String tokenHash) {
        return db.preparedQuery("DELETE FROM web_session WHERE token_hash = $1").execute(Tuple.of(tokenHash)).mapEmpty();
    }

    /** Ends every session of the account except the one with {@code keepHash} (null: all of them). */
    public Future<Void> deleteForAccount(SqlClient db, long accountId, String keepHash) {
        return db.preparedQuery("""
                        DELETE FROM web_session WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2""")
                .execute(Tuple.of(accountId, keepHash)).mapEmpty();
    }

    public Future<Void> markFresh(SqlClient db, String tokenHash) {
        return db.preparedQuery("UPDATE web_session SET fresh_at = now() WHERE token_hash = $1")
                .execute(Tuple.of(tokenHash)).mapEmpty();
    }

    public Future<Void> deleteExpired(SqlClient db) {
        return db.query("DELETE FROM web_session WHERE expires_at < now()").execute().mapEmpty();
    }
}
