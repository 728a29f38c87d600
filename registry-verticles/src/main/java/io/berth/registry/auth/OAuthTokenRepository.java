package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL for OAuth applications and access tokens. */
public final class OAuthTokenRepository {

    /** A stored token: who it acts for and with which scopes. */
    public record StoredToken(long id, long accountId, String username, String accountKind, String tokenHash,
                              String scope, OffsetDateTime expiresAt, long applicationId, String applicationName,
                              String clientId) {}

    public Future<StoredToken> findByName(SqlClient db, String tokenName) {
        return db.preparedQuery("""
                        SELECT t.id, t.account_id, a.username, a.kind, t.token_hash, t.scope, t.expires_at,
                               t.application_id, app.name, app.client_id
                        FROM oauth_access_token t JOIN account a ON a.id = t.account_id
                        JOIN oauth_application app ON app.id = t.application_id
                        WHERE t.token_name = $1 AND a.enabled""")
                .execute(Tuple.of(tokenName))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    var r = rows.iterator().next();
                    return new StoredToken(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3),
                            r.getString(4), r.getString(5), r.getOffsetDateTime(6), r.getLong(7), r.getString(8),
                            r.getString(9));
                });
    }

    /** Creates the application, or returns the id of the owner's existing one with that client id. */
    public Future<Long> ensureApplication(SqlClient db, long ownerId, String clientId, String clientSecret, String name) {
        return db.preparedQuery("""
                        INSERT INTO oauth_application (client_id, client_secret, owner_id, name) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (client_id) DO UPDATE SET client_id = excluded.client_id
                        RETURNING id""")
                .execute(Tuple.of(clientId, clientSecret, ownerId, name))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<Void> insertToken(SqlClient db, long applicationId, long accountId, String tokenName, String tokenHash,
                                    String scope, OffsetDateTime expiresAt) {
        return db.preparedQuery("""
                        INSERT INTO oauth_access_token (uuid, application_id, account_id, token_name, token_hash, scope, expires_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.of(UUID.randomUUID(), applicationId, accountId, tokenName, tokenHash, scope, expiresAt))
                .mapEmpty();
    }
}
