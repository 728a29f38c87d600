package io.berth.registry.iam;

import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for accounts: users, organizations and robots. */
public final class AccountRepository {
    private static final String COLUMNS = """
            id, uuid, username, email, password_hash, kind, owner_id, enabled, verified, removed_tag_expiration_s, created_at""";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;

    /** The account columns {@link #map} reads, qualified by a table alias, for queries that join accounts. */
    static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

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

    /**
     * The user or organization whose e-mail address this is, ignoring case (an exact match first); robots have none.
     */
    public Future<Account> findNamespaceByEmail(SqlClient db, String email) {
        return db.preparedQuery("SELECT " + COLUMNS + """
                         FROM account WHERE lower(email) = lower($1) AND kind IN ('user', 'organization')
                        ORDER BY email = $1 DESC LIMIT 1""")
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

    /**
     * Inserts a user, whose e-mail address is {@code verified} or not yet; a taken name or e-mail surfaces as a unique
     * violation (SQLSTATE 23505).
     */
    public Future<Account> insertUser(SqlClient db, String username, String email, String passwordHash,
                                      long removedTagExpirationS, boolean verified) {
        return db.preparedQuery("""
                        INSERT INTO account (uuid, username, email, password_hash, kind, removed_tag_expiration_s, verified)
                        VALUES ($1, $2, $3, $4, 'user', $5, $6)
                        RETURNING """ + " " + COLUMNS)
                .execute(Tuple.of(UUID.randomUUID(), username, email, passwordHash, removedTagExpirationS, verified))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Sets the namespace's time-machine window. */
    public Future<Void> setTagExpiration(SqlClient db, long id, long seconds) {
        return db.preparedQuery("UPDATE account SET removed_tag_expiration_s = $2 WHERE id = $1")
                .execute(Tuple.of(id, seconds)).mapEmpty();
    }

    /** The optional profile fields of a user ({@code PUT /api/v1/user/}). */
    public record Profile(String givenName, String familyName, String company, String location) {}

    public Future<Profile> profile(SqlClient db, long id) {
        return db.preparedQuery("SELECT given_name, family_name, company, location FROM account WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) return new Profile(null, null, null, null);
                    var r = rows.iterator().next();
                    return new Profile(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
                });
    }

    /** Sets the given profile fields; a field absent from the map stays as it is. */
    public Future<Void> setProfile(SqlClient db, long id, Map<String, String> fields) {
        return db.preparedQuery("""
                        UPDATE account SET given_name = CASE WHEN $2 THEN $3 ELSE given_name END,
                                           family_name = CASE WHEN $4 THEN $5 ELSE family_name END,
                                           company = CASE WHEN $6 THEN $7 ELSE company END,
                                           location = CASE WHEN $8 THEN $9 ELSE location END
                        WHERE id = $1""")
                .execute(Tuple.of(id, fields.containsKey("given_name"), fields.get("given_name"),
                        fields.containsKey("family_name"), fields.get("family_name"),
                        fields.containsKey("company"), fields.get("company"),
                        fields.containsKey("location"), fields.get("location")))
                .mapEmpty();
    }

    public Future<Void> setPassword(SqlClient db, long id, String passwordHash) {
        return db.preparedQuery("UPDATE account SET password_hash = $2 WHERE id = $1")
                .execute(Tuple.of(id, passwordHash)).mapEmpty();
    }

    /** A user's consecutive failed password logins and how long ago the last one was, by the database's clock. */
    public record LoginFailures(int count, double secondsSinceLast) {}

    public Future<LoginFailures> loginFailures(SqlClient db, long id) {
        return db.preparedQuery("""
                        SELECT invalid_login_attempts,
                               COALESCE(EXTRACT(EPOCH FROM now() - last_invalid_login), 0)::float8 AS since
                        FROM account WHERE id = $1""")
                .execute(Tuple.of(id))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new LoginFailures(row.getInteger(0), row.getDouble(1));
                });
    }

    public Future<Void> recordLoginFailure(SqlClient db, long id) {
        return db.preparedQuery("""
                        UPDATE account SET invalid_login_attempts = invalid_login_attempts + 1, last_invalid_login = now()
                        WHERE id = $1""")
                .execute(Tuple.of(id)).mapEmpty();
    }

    public Future<Void> clearLoginFailures(SqlClient db, long id) {
        return db.preparedQuery("UPDATE account SET invalid_login_attempts = 0 WHERE id = $1 AND invalid_login_attempts > 0")
                .execute(Tuple.of(id)).mapEmpty();
    }

    /** Sets a (confirmed) e-mail address; an address another account uses surfaces as a unique violation. */
    public Future<Void> setEmail(SqlClient db, long id, String email) {
        return db.preparedQuery("UPDATE account SET email = $2, verified = TRUE WHERE id = $1")
                .execute(Tuple.of(id, email)).mapEmpty();
    }

    /** Marks the account's e-mail address verified, when it is {@code email} (compared without case). */
    public Future<Void> verifyEmail(SqlClient db, long id, String email) {
        return db.preparedQuery("UPDATE account SET verified = TRUE WHERE id = $1 AND NOT verified AND lower(email) = lower($2)")
                .execute(Tuple.of(id, email)).mapEmpty();
    }

    public Future<Void> setEnabled(SqlClient db, long id, boolean enabled) {
        return db.preparedQuery("UPDATE account SET enabled = $2 WHERE id = $1").execute(Tuple.of(id, enabled)).mapEmpty();
    }

    /** Renames an account; a taken name surfaces as a unique violation. */
    public Future<Void> rename(SqlClient db, long id, String name) {
        return db.preparedQuery("UPDATE account SET username = $2 WHERE id = $1").execute(Tuple.of(id, name)).mapEmpty();
    }

    /** Locks the account row for the rest of the transaction; null when it is gone. */
    public Future<Account> lock(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Deletes the account and, through ON DELETE CASCADE, everything it owns or is granted. */
    public Future<Void> delete(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM account WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    /**
     * Turns a user into an organization (Quay's conversion): no password to log in with, and no rights of its own
     * any more: its direct repository permissions, team memberships and pending e-mail changes go.
     */
    public Future<Void> convertToOrganization(SqlClient db, long id) {
        return db.preparedQuery("""
                        WITH permissions AS (DELETE FROM repository_permission WHERE account_id = $1),
                             memberships AS (DELETE FROM team_member WHERE account_id = $1),
                             confirmations AS (DELETE FROM email_confirmation WHERE account_id = $1)
                        UPDATE account SET kind = 'organization', password_hash = NULL WHERE id = $1""")
                .execute(Tuple.of(id)).mapEmpty();
    }

    /** An account found by a name search; {@code organizationMember} null when no organization was asked about. */
    public record Match(Account account, Boolean organizationMember) {}

    /** The entity search's query; {@code ^@} (starts with) is answered by the {@code account_username_prefix} index. */
    static final String MATCHING = "SELECT " + COLUMNS + """
            , CASE WHEN $4::bigint IS NULL THEN NULL
                   ELSE kind = 'robot' OR EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                                                  WHERE t.organization_id = $4 AND m.account_id = account.id)
              END
            FROM account
            WHERE enabled AND ((kind = 'user' AND username ^@ $1)
                               OR (kind = 'robot' AND owner_id = $2 AND username ^@ $3))
            ORDER BY (username = $1 OR username = coalesce($3::text, '')) DESC, kind = 'robot' DESC, username COLLATE "C"
            LIMIT $5""";

    /**
     * The entity search ({@code GET /api/v1/entities/<prefix>}): enabled users whose name starts with
     * {@code prefix} and, when {@code robotOwnerId} is given, that namespace's robots whose full name starts with
     * {@code robotPrefix}; an exact match first, then robots, then by name. With {@code organizationId}, whether each
     * is in one of the organization's teams.
     */
    public Future<List<Match>> matching(SqlClient db, String prefix, Long robotOwnerId, String robotPrefix,
                                        Long organizationId, int limit) {
        return db.preparedQuery(MATCHING)
                .execute(Tuple.of(prefix, robotOwnerId, robotPrefix, organizationId, limit))
                .map(rows -> Sql.list(rows, r -> new Match(map(r), r.getBoolean(COLUMN_COUNT))));
    }

    /** Users, by name, after {@code afterName}; disabled ones too when {@code includeDisabled}. */
    public Future<List<Account>> listUsers(SqlClient db, boolean includeDisabled, String afterName, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account"
                        + " WHERE kind = 'user' AND ($1 OR enabled) AND username COLLATE \"C\" > $2"
                        + " ORDER BY username COLLATE \"C\" LIMIT $3")
                .execute(Tuple.of(includeDisabled, afterName == null ? "" : afterName, limit))
                .map(AccountRepository::mapAll);
    }

    public Future<List<Account>> listOrganizations(SqlClient db, String afterName, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM account"
                        + " WHERE kind = 'organization' AND username COLLATE \"C\" > $1"
                        + " ORDER BY username COLLATE \"C\" LIMIT $2")
                .execute(Tuple.of(afterName == null ? "" : afterName, limit))
                .map(AccountRepository::mapAll);
    }

    public Future<Void> insertEmailConfirmation(SqlClient db, String codeName, String codeHash, long accountId,
                                                String newEmail, OffsetDateTime expiresAt) {
        return db.preparedQuery("""
                        WITH earlier AS (DELETE FROM email_confirmation WHERE account_id = $3)
                        INSERT INTO email_confirmation (code_name, code_hash, account_id, new_email, expires_at)
                        VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(codeName, codeHash, accountId, newEmail, expiresAt)).mapEmpty();
    }

    /** A pending e-mail change taken (removed) for confirmation. */
    public record EmailConfirmation(long accountId, String codeHash, String newEmail, OffsetDateTime expiresAt) {}

    public Future<EmailConfirmation> takeEmailConfirmation(SqlClient db, String codeName) {
        return db.preparedQuery("""
                        DELETE FROM email_confirmation WHERE code_name = $1
                        RETURNING account_id, code_hash, new_email, expires_at""")
                .execute(Tuple.of(codeName))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new EmailConfirmation(r.getLong(0), r.getString(1), r.getString(2), r.getOffsetDateTime(3));
                });
    }

    private static List<Account> mapAll(RowSet<Row> rows) {
        var out = new ArrayList<Account>(rows.size());
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    static Account map(Row r) {
        return new Account(r.getLong("id"), r.getUUID("uuid"), r.getString("username"), r.getString("email"),
                r.getString("password_hash"), r.getString("kind"), r.getLong("owner_id"), r.getBoolean("enabled"),
                r.getBoolean("verified"), r.getLong("removed_tag_expiration_s"), r.getOffsetDateTime("created_at"));
    }
}
