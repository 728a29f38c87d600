package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * OAuth access tokens in Quay's format: 40 characters, the first 20 a lookup name, the rest a secret stored only as a
 * SHA-256 hash (the secret is random, so a fast hash is enough) and compared in constant time.
 */
public final class OAuthTokens {
    public static final Set<String> ALL_SCOPES = Set.of("repo:read", "repo:write", "repo:admin", "repo:create",
            "user:read", "user:admin", "org:admin", "super:user");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final OAuthTokenRepository tokens;

    public OAuthTokens(Pool pool, OAuthTokenRepository tokens) {
        this.pool = pool;
        this.tokens = tokens;
    }

    /** Mints a token for the account under the application and returns its plain text (shown once). */
    public Future<String> mint(SqlClient db, long applicationId, long accountId, Set<String> scopes, Duration lifetime) {
        String token = random(40);
        return tokens.insertToken(db, applicationId, accountId, token.substring(0, 20), hash(token.substring(20)),
                        String.join(" ", scopes.stream().sorted().toList()),
                        OffsetDateTime.now(ZoneOffset.UTC).plus(lifetime))
                .map(v -> token);
    }

    /** The identity a token stands for, or null when it is unknown, expired or wrong. */
    public Future<Identity> authenticate(String token) {
        if (token == null || token.length() < 40) return Future.succeededFuture(null);
        return tokens.findByName(pool, token.substring(0, 20)).map(stored -> {
            if (stored == null || stored.expiresAt().isBefore(OffsetDateTime.now())) return null;
            byte[] expected = stored.tokenHash().getBytes(StandardCharsets.US_ASCII);
            byte[] actual = hash(token.substring(20)).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, actual)) return null;
            Set<String> scopes = Set.copyOf(Arrays.asList(stored.scope().split("[ ,]+")));
            return new Identity(stored.accountId(), stored.username(), Identity.Kind.OAUTH, scopes,
                    new Identity.OAuthToken(stored.id(), stored.applicationId(), stored.applicationName(),
                            stored.clientId()));
        });
    }

    public static String random(int length) {
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
