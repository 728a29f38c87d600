package io.berth.registry.iam;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/** SQL for password recovery codes ({@code password_recovery}), kept as the SHA-256 of the mailed code. */
public final class RecoveryRepository {

    /** A code taken (removed) for use: whose it was and until when it worked. */
    public record Taken(long accountId, OffsetDateTime expiresAt) {}

    /**
     * Records a code unless the account already has {@code maxLive} unexpired ones; whether it was recorded. Expired
     * codes of every account are swept on the way.
     */
    public Future<Boolean> insert(SqlClient db, String codeHash, long accountId, OffsetDateTime expiresAt, int maxLive) {
        return db.preparedQuery("""
                        WITH expired AS (DELETE FROM password_recovery WHERE expires_at <= now())
                        INSERT INTO password_recovery (code_hash, account_id, expires_at)
                        SELECT $1, $2, $3
                        WHERE (SELECT count(*) FROM password_recovery WHERE account_id = $2 AND expires_at > now()) < $4""")
                .execute(Tuple.of(codeHash, accountId, expiresAt, maxLive))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Removes the code and returns it; null when there is none (never was, or already used). */
    public Future<Taken> take(SqlClient db, String codeHash) {
        return db.preparedQuery("DELETE FROM password_recovery WHERE code_hash = $1 RETURNING account_id, expires_at")
                .execute(Tuple.of(codeHash))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new Taken(r.getLong(0), r.getOffsetDateTime(1));
                });
    }

    /** Drops every code of the account (once one was used, the others have served their purpose). */
    public Future<Void> deleteForAccount(SqlClient db, long accountId) {
        return db.preparedQuery("DELETE FROM password_recovery WHERE account_id = $1")
                .execute(Tuple.of(accountId)).mapEmpty();
    }
}
