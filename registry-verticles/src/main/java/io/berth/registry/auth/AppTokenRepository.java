package io.berth.registry.auth;

import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * SQL for app-specific tokens. A token whose expiration has passed is listed, but never found or accepted, until
 * garbage collection deletes it ({@link #deleteExpired}).
 */
public final class AppTokenRepository {
    private static final String RETURNED = """
            id, uuid, account_id, title, token_name, token_sealed, created_at, expiration, last_accessed""";
    private static final String COLUMNS = RETURNED.replaceAll("(\\w+)", "t.$1");
    private static final String LIVE = "(t.expiration IS NULL OR t.expiration > now())";
    private static final String OLDEST_FIRST = " ORDER BY t.created_at, t.id";
    /** Live tokens that expire by {@code $1}, soonest first. */
    private static final String EXPIRING = "t.expiration > now() AND t.expiration <= $1 ORDER BY t.expiration, t.id";

    /** A token; {@code sealedSecret} is the secret part of its code, sealed with the database key. */
    public record AppToken(long id, UUID uuid, long accountId, String title, String tokenName, String sealedSecret,
                           OffsetDateTime created, OffsetDateTime expiration, OffsetDateTime lastAccessed) {}

    /** A live token found by its lookup name, with its owner as the database knows it now. */
    public record Holder(AppToken token, String username, boolean enabled) {}

    public Future<AppToken> insert(SqlClient db, long accountId, String title, String tokenName, String sealedSecret,
                                   OffsetDateTime expiration) {
        return db.preparedQuery("""
                        INSERT INTO app_specific_token (uuid, account_id, title, token_name, token_sealed, expiration)
                        VALUES ($1, $2, $3, $4, $5, $6) RETURNING\s""" + RETURNED)
                .execute(Tuple.of(UUID.randomUUID(), accountId, title, tokenName, sealedSecret, expiration))
                .map(rows -> token(rows.iterator().next()));
    }

    /** Every token of the account, expired ones too, oldest first. */
    public Future<List<AppToken>> list(SqlClient db, long accountId) {
        return select(db, "t.account_id = $1" + OLDEST_FIRST, Tuple.of(accountId));
    }

    /** Every user's tokens, expired ones too, oldest first. */
    public Future<List<AppToken>> listAll(SqlClient db) {
        return select(db, "TRUE" + OLDEST_FIRST, Tuple.tuple());
    }

    /** The account's tokens that are still live but expire by {@code until}, soonest first. */
    public Future<List<AppToken>> expiring(SqlClient db, long accountId, OffsetDateTime until) {
        return select(db, "t.account_id = $2 AND " + EXPIRING, Tuple.of(until, accountId));
    }

    /** Every user's tokens that are still live but expire by {@code until}, soonest first. */
    public Future<List<AppToken>> expiringAll(SqlClient db, OffsetDateTime until) {
        return select(db, EXPIRING, Tuple.of(until));
    }

    /**
     * Deletes up to {@code limit} tokens that expired more than {@code window} ago; returns how many. Rows another
     * transaction holds (a collection on another node, a revocation, a login touching the token) are skipped, so
     * nodes collecting at once delete each token once and wait for nothing.
     */
    public Future<Integer> deleteExpired(SqlClient db, Duration window, int limit) {
        return db.preparedQuery("""
                        DELETE FROM app_specific_token WHERE id IN (
                            SELECT id FROM app_specific_token
                            WHERE expiration < now() - $1::bigint * interval '1 millisecond'
                            ORDER BY expiration LIMIT $2
                            FOR UPDATE SKIP LOCKED)""")
                .execute(Tuple.of(window.toMillis(), limit)).map(rows -> rows.rowCount());
    }

    /** The account's live token with that uuid, or null. */
    public Future<AppToken> find(SqlClient db, long accountId, UUID uuid) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM app_specific_token t WHERE t.account_id = $1"
                        + " AND t.uuid = $2 AND " + LIVE)
                .execute(Tuple.of(accountId, uuid))
                .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next()));
    }

    /** Deletes the account's token with that uuid, expired or not, and returns it; null when it has none. */
    public Future<AppToken> delete(SqlClient db, long accountId, UUID uuid) {
        return db.preparedQuery("DELETE FROM app_specific_token WHERE account_id = $1 AND uuid = $2 RETURNING "
                        + RETURNED)
                .execute(Tuple.of(accountId, uuid))
                .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next()));
    }

    /** The live token with that lookup name, if a user (not an organization it became) holds it; else null. */
    public Future<Holder> findByName(SqlClient db, String tokenName) {
        return db.preparedQuery("SELECT " + COLUMNS + ", a.username, a.enabled FROM app_specific_token t"
                        + " JOIN account a ON a.id = t.account_id"
                        + " WHERE t.token_name = $1 AND a.kind = 'user' AND " + LIVE)
                .execute(Tuple.of(tokenName))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    Row r = rows.iterator().next();
                    return new Holder(token(r), r.getString("username"), r.getBoolean("enabled"));
                });
    }

    /** Whether the token still exists (not revoked) and has not expired. */
    public Future<Boolean> isLive(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT EXISTS (SELECT 1 FROM app_specific_token t WHERE t.uuid = $1 AND " + LIVE + ")")
                .execute(Tuple.of(uuid)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Future<Void> touch(SqlClient db, long id) {
        return db.preparedQuery("UPDATE app_specific_token SET last_accessed = now() WHERE id = $1")
                .execute(Tuple.of(id)).mapEmpty();
    }

    private static Future<List<AppToken>> select(SqlClient db, String condition, Tuple params) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM app_specific_token t WHERE " + condition)
                .execute(params).map(rows -> Sql.list(rows, AppTokenRepository::token));
    }

    private static AppToken token(Row r) {
        return new AppToken(r.getLong("id"), r.getUUID("uuid"), r.getLong("account_id"), r.getString("title"),
                r.getString("token_name"), r.getString("token_sealed"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("expiration"), r.getOffsetDateTime("last_accessed"));
    }
}
