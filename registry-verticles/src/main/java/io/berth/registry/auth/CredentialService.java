package io.berth.registry.auth;

import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.RobotRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks the credential kinds Quay accepts in Basic auth: a user's name (or e-mail) and password, a robot's
 * {@code namespace+name} and token, and {@code $oauthtoken} with an OAuth access token. Resolves to null when the
 * credentials are wrong.
 */
public final class CredentialService {
    public static final String OAUTH_USERNAME = "$oauthtoken";

    private final Pool pool;
    private final AccountRepository accounts;
    private final RobotRepository robots;
    private final PasswordHasher passwords;
    private final OAuthTokens oauthTokens;
    private final SecretBox box;

    public CredentialService(Pool pool, AccountRepository accounts, RobotRepository robots, PasswordHasher passwords,
                             OAuthTokens oauthTokens, SecretBox box) {
        this.pool = pool;
        this.accounts = accounts;
        this.robots = robots;
        this.passwords = passwords;
        this.oauthTokens = oauthTokens;
        this.box = box;
    }

    /** Quay's "encrypted password": the password sealed with the database key, accepted wherever the password is. */
    public String encryptedPassword(String password) {
        return box.seal(password);
    }

    public Future<Identity> basic(String username, String password) {
        if (username == null || password == null || username.isEmpty()) return Future.succeededFuture(null);
        if (username.equals(OAUTH_USERNAME)) return oauthTokens.authenticate(password);
        if (username.indexOf('+') > 0) return robot(username, password);
        var lookup = username.contains("@") ? accounts.findByEmail(pool, username) : accounts.findByUsername(pool, username);
        return lookup.compose(account -> {
            if (account == null || !account.isUser() || !account.enabled()) {
                // hash anyway so that unknown names cost as much time as known ones
                return passwords.verify(password, PasswordHasher.DECOY).map(ok -> null);
            }
            String unsealed = box.open(password);
            String plain = unsealed != null ? unsealed : password;
            return passwords.verify(plain, account.passwordHash()).map(ok -> ok
                    ? new Identity(account.id(), account.username(), Identity.Kind.USER, null) : null);
        });
    }

    /** A robot's token, compared in constant time with the sealed one; the robot's identity carries its generation. */
    private Future<Identity> robot(String name, String token) {
        return robots.find(pool, name).compose(robot -> {
            if (robot == null || !robot.ownerEnabled()) return Future.succeededFuture(null);
            String expected = box.open(robot.tokenSealed());
            if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                return Future.succeededFuture(null);
            }
            return robots.touch(pool, robot.id()).map(v -> new Identity(robot.id(), robot.name(), Identity.Kind.ROBOT,
                    null, String.valueOf(robot.generation())));
        });
    }
}
