package io.berth.registry.auth;

import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for OAuth applications, their access tokens and authorization codes. */
public final class OAuthTokenRepository {
    private static final String APPLICATION_COLUMNS = """
            a.id, a.client_id, a.client_secret, a.owner_id, o.username AS owner, o.email AS owner_email, a.name,
            a.description, a.redirect_uri, a.application_uri, a.avatar_email""";
    private static final String APPLICATION = "SELECT " + APPLICATION_COLUMNS
            + " FROM oauth_application a JOIN account o ON o.id = a.owner_id ";
    private static final String GRANT = "SELECT t.uuid AS grant_uuid, t.scope AS grant_scope, t.created_at AS granted, "
            + APPLICATION_COLUMNS + """
             FROM oauth_access_token t JOIN oauth_application a ON a.id = t.application_id
            JOIN account o ON o.id = a.owner_id
            WHERE t.account_id = $1 AND t.expires_at > now()
            """;
    private static final String TOKEN = """
            SELECT t.uuid, t.name, t.scope, t.expires_at, t.created_at, a.username AS created_by, t.last_accessed
            FROM oauth_access_token t JOIN account a ON a.id = t.account_id
            """;

    /** An application; {@code sealedSecret} is the client secret sealed with the database key. */
    public record Application(long id, String clientId, String sealedSecret, long ownerId, String owner,
                              String ownerEmail, String name, String description, String redirectUri,
                              String applicationUri, String avatarEmail) {}

    /** A stored token: who it acts for and with which scopes. */
    public record StoredToken(long id, long accountId, String username, String tokenHash, String scope,
                              OffsetDateTime expiresAt, OffsetDateTime lastAccessed, long applicationId,
                              String applicationName, String clientId) {}

    /** A token as its application's admins see it (never its secret). */
    public record TokenView(UUID uuid, String name, String scope, OffsetDateTime expiresAt, OffsetDateTime created,
                            String createdBy, OffsetDateTime lastAccessed) {}

    /** A live token acting for a user, as the user sees it: what it may do and the application that holds it. */
    public record Grant(UUID uuid, String scope, OffsetDateTime created, Application application) {}

    /** An authorization code taken for exchange. */
    public record StoredCode(long applicationId, long accountId, String codeHash, String scope, String redirectUri,
                             OffsetDateTime expiresAt) {}

    /** The token of that lookup name, if it acts for an enabled user. */
    public Future<StoredToken> findByName(SqlClient db, String tokenName) {
        return db.preparedQuery("""
                        SELECT t.id, t.account_id, a.username, t.token_hash, t.scope, t.expires_at, t.last_accessed,
                               t.application_id, app.name, app.client_id
                        FROM oauth_access_token t JOIN account a ON a.id = t.account_id
                        JOIN oauth_application app ON app.id = t.application_id
                        WHERE t.token_name = $1 AND a.enabled AND a.kind = 'user'""")
                .execute(Tuple.of(tokenName))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new StoredToken(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3),
                            r.getString(4), r.getOffsetDateTime(5), r.getOffsetDateTime(6), r.getLong(7),
                            r.getString(8), r.getString(9));
                });
    }

    /** Whether the token still exists (not revoked) and has not expired. */
    public Future<Boolean> isLive(SqlClient db, long tokenId) {
        return db.preparedQuery("SELECT EXISTS (SELECT 1 FROM oauth_access_token WHERE id = $1 AND expires_at > now())")
                .execute(Tuple.of(tokenId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Future<Void> touch(SqlClient db, long tokenId) {
        return db.preparedQuery("UPDATE oauth_access_token SET last_accessed = now() WHERE id = $1")
                .execute(Tuple.of(tokenId)).mapEmpty();
    }

    /** Creates the application, or returns the id of the owner's existing one with that client id. */
    public Future<Long> ensureApplication(SqlClient db, long ownerId, String clientId, String sealedSecret, String name,
                                          String description) {
        return db.preparedQuery("""
                        INSERT INTO oauth_application (client_id, client_secret, owner_id, name, description)
                        VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (client_id) DO UPDATE SET client_id = excluded.client_id
                        RETURNING id""")
                .execute(Tuple.of(clientId, sealedSecret, ownerId, name, description))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<Application> insertApplication(SqlClient db, long ownerId, String clientId, String sealedSecret,
                                                 String name, String description, String redirectUri,
                                                 String applicationUri, String avatarEmail) {
        return db.preparedQuery("""
                        INSERT INTO oauth_application (client_id, client_secret, owner_id, name, description, redirect_uri,
                                                       application_uri, avatar_email)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""")
                .execute(Tuple.of(clientId, sealedSecret, ownerId, name, description, redirectUri, applicationUri,
                        avatarEmail))
                .compose(rows -> findApplication(db, clientId));
    }

    public Future<Application> findApplication(SqlClient db, String clientId) {
        return db.preparedQuery(APPLICATION + " WHERE a.client_id = $1")
                .execute(Tuple.of(clientId))
                .map(rows -> rows.size() == 0 ? null : application(rows.iterator().next()));
    }

    public Future<List<Application>> listApplications(SqlClient db, long ownerId) {
        return db.preparedQuery(APPLICATION + " WHERE a.owner_id = $1 ORDER BY a.name, a.id")
                .execute(Tuple.of(ownerId))
                .map(rows -> {
                    var out = new ArrayList<Application>(rows.size());
                    rows.forEach(r -> out.add(application(r)));
                    return out;
                });
    }

    public Future<Void> updateApplication(SqlClient db, long id, String name, String description, String redirectUri,
                                          String applicationUri, String avatarEmail) {
        return db.preparedQuery("""
                        UPDATE oauth_application SET name = $2, description = $3, redirect_uri = $4, application_uri = $5,
                                                     avatar_email = $6
                        WHERE id = $1""")
                .execute(Tuple.of(id, name, description, redirectUri, applicationUri, avatarEmail)).mapEmpty();
    }

    public Future<Void> setSecret(SqlClient db, long id, String sealedSecret) {
        return db.preparedQuery("UPDATE oauth_application SET client_secret = $2 WHERE id = $1")
                .execute(Tuple.of(id, sealedSecret)).mapEmpty();
    }

    /** Deletes the application; its tokens and codes go with it. */
    public Future<Void> deleteApplication(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM oauth_application WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    public Future<UUID> insertToken(SqlClient db, long applicationId, long accountId, String tokenName, String tokenHash,
                                    String scope, OffsetDateTime expiresAt, String name) {
        UUID uuid = UUID.randomUUID();
        return db.preparedQuery("""
                        INSERT INTO oauth_access_token (uuid, application_id, account_id, token_name, token_hash, scope,
                                                        expires_at, name)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
                .execute(Tuple.of(uuid, applicationId, accountId, tokenName, tokenHash, scope, expiresAt, name))
                .map(v -> uuid);
    }

    public Future<TokenView> findToken(SqlClient db, UUID uuid) {
        return db.preparedQuery(TOKEN + " WHERE t.uuid = $1").execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? null : tokenView(rows.iterator().next()));
    }

    public Future<List<TokenView>> listTokens(SqlClient db, long applicationId) {
        return db.preparedQuery(TOKEN + " WHERE t.application_id = $1 ORDER BY t.created_at, t.id")
                .execute(Tuple.of(applicationId))
                .map(OAuthTokenRepository::tokenViews);
    }

    /** Revokes one token of the application; false when it has none with that uuid. */
    public Future<Boolean> deleteToken(SqlClient db, long applicationId, UUID uuid) {
        return db.preparedQuery("DELETE FROM oauth_access_token WHERE application_id = $1 AND uuid = $2")
                .execute(Tuple.of(applicationId, uuid)).map(rows -> rows.rowCount() > 0);
    }

    /** Revokes every token that acts for the account. */
    public Future<Void> deleteTokensOf(SqlClient db, long accountId) {
        return db.preparedQuery("DELETE FROM oauth_access_token WHERE account_id = $1")
                .execute(Tuple.of(accountId)).mapEmpty();
    }

    /** The user's live tokens, oldest first (Quay's authorized applications). */
    public Future<List<Grant>> grants(SqlClient db, long accountId) {
        return db.preparedQuery(GRANT + " ORDER BY t.created_at, t.id").execute(Tuple.of(accountId))
                .map(rows -> Sql.list(rows, OAuthTokenRepository::grant));
    }

    /** One live token of the user, or null. */
    public Future<Grant> grant(SqlClient db, long accountId, UUID uuid) {
        return db.preparedQuery(GRANT + " AND t.uuid = $2").execute(Tuple.of(accountId, uuid))
                .map(rows -> rows.size() == 0 ? null : grant(rows.iterator().next()));
    }

    public Future<Void> insertCode(SqlClient db, String codeName, String codeHash, long applicationId, long accountId,
                                   String scope, String redirectUri, OffsetDateTime expiresAt) {
        return db.preparedQuery("""
                        INSERT INTO oauth_authorization_code (code_name, code_hash, application_id, account_id, scope,
                                                              redirect_uri, expires_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.of(codeName, codeHash, applicationId, accountId, scope, redirectUri, expiresAt))
                .mapEmpty();
    }

    /**
     * Removes and returns the code of that name, so that it can be exchanged once only; null when there is none.
     * Inside a transaction, a caller that then refuses the exchange rolls the removal back.
     */
    public Future<StoredCode> takeCode(SqlClient db, String codeName) {
        return db.preparedQuery("""
                        DELETE FROM oauth_authorization_code WHERE code_name = $1
                        RETURNING application_id, account_id, code_hash, scope, redirect_uri, expires_at""")
                .execute(Tuple.of(codeName))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new StoredCode(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getOffsetDateTime(5));
                });
    }

    public Future<Void> deleteExpiredCodes(SqlClient db) {
        return db.query("DELETE FROM oauth_authorization_code WHERE expires_at < now()").execute().mapEmpty();
    }

    private static Application application(Row r) {
        return new Application(r.getLong("id"), r.getString("client_id"), r.getString("client_secret"),
                r.getLong("owner_id"), r.getString("owner"), r.getString("owner_email"), r.getString("name"),
                r.getString("description"), r.getString("redirect_uri"), r.getString("application_uri"),
                r.getString("avatar_email"));
    }

    private static Grant grant(Row r) {
        return new Grant(r.getUUID("grant_uuid"), r.getString("grant_scope"), r.getOffsetDateTime("granted"),
                application(r));
    }

    private static List<TokenView> tokenViews(RowSet<Row> rows) {
        var out = new ArrayList<TokenView>(rows.size());
        rows.forEach(r -> out.add(tokenView(r)));
        return out;
    }

    private static TokenView tokenView(Row r) {
        return new TokenView(r.getUUID("uuid"), r.getString("name"), r.getString("scope"),
                r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("created_at"), r.getString("created_by"),
                r.getOffsetDateTime("last_accessed"));
    }
}
