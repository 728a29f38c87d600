package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

/**
 * OAuth access tokens in Quay's format: 40 characters, a 20-character lookup name and a secret kept only as its hash
 * (see {@link SecretCodes}). A token acts for a user with its scopes, until it expires or is revoked, and stops working
 * at once when that user is disabled.
 */
public final class OAuthTokens {
    /** How stale {@code last_accessed} may get before a use of the token writes it again. */
    private static final Duration ACCESS_RESOLUTION = Duration.ofMinutes(1);

    private final Pool pool;
    private final OAuthTokenRepository tokens;

    public OAuthTokens(Pool pool, OAuthTokenRepository tokens) {
        this.pool = pool;
        this.tokens = tokens;
    }

    /** A new token: its uuid, its plain text (shown once) and when it expires. */
    public record Minted(UUID uuid, String token, OffsetDateTime expiresAt) {}

    /** Mints a token for the account under the application. */
    public Future<Minted> mint(SqlClient db, long applicationId, long accountId, Set<String> scopes, Duration lifetime,
                               String name) {
        String token = SecretCodes.random(40);
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(lifetime);
        return tokens.insertToken(db, applicationId, accountId, SecretCodes.name(token), SecretCodes.secretHash(token),
                        OAuthScopes.format(scopes), expiresAt, name)
                .map(uuid -> new Minted(uuid, token, expiresAt));
    }

    /** Revokes every token that acts for the account. */
    public Future<Void> revokeAll(SqlClient db, long accountId) {
        return tokens.deleteTokensOf(db, accountId);
    }

    /** The identity a token stands for, or null when it is unknown, expired, wrong, or its user is disabled. */
    public Future<Identity> authenticate(String token) {
        if (!SecretCodes.wellFormed(token)) return Future.succeededFuture(null);
        return tokens.findByName(pool, SecretCodes.name(token)).compose(stored -> {
            if (stored == null || stored.expiresAt().isBefore(OffsetDateTime.now())
                    || !SecretCodes.same(stored.tokenHash(), SecretCodes.secretHash(token))) {
                return Future.succeededFuture(null);
            }
            Set<String> scopes = Set.copyOf(java.util.Arrays.asList(stored.scope().split("[ ,]+")));
            var identity = new Identity(stored.accountId(), stored.username(), Identity.Kind.OAUTH, scopes,
                    String.valueOf(stored.id()), new Identity.OAuthToken(stored.id(), stored.applicationId(),
                            stored.applicationName(), stored.clientId()));
            boolean stale = stored.lastAccessed() == null
                    || stored.lastAccessed().isBefore(OffsetDateTime.now().minus(ACCESS_RESOLUTION));
            return stale ? tokens.touch(pool, stored.id()).map(identity) : Future.succeededFuture(identity);
        });
    }
}
