package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.RobotRepository;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Checks the credential kinds Quay accepts: a user's name (or e-mail) and password (or "encrypted password"), and
 * in Basic auth a robot's {@code namespace+name} and token, {@code $oauthtoken} with an OAuth access token, and
 * {@code $app} with an app-specific token (when {@code FEATURE_APP_SPECIFIC_TOKENS} is on). Disabled users, their
 * tokens, and robots of disabled namespaces never get in.
 */
public final class CredentialService {
    public static final String OAUTH_USERNAME = "$oauthtoken";
    static final String INVALID = "Invalid Username or Password";
    static final String DISABLED = "This user has been disabled. Please contact your administrator.";
    static final String TOO_MANY = "Too many login attempts.";
    static final String INVALID_TOKEN = "Invalid token";
    /** How stale an app-specific token's {@code last_accessed} may get before a use of it writes it again. */
    private static final Duration ACCESS_RESOLUTION = Duration.ofMinutes(1);
    /** Failed passwords in a row that cost nothing; each one after that doubles the wait, from 5 s up to 15 minutes. */
    static final int FREE_FAILURES = 3;
    private static final long FIRST_WAIT_S = 5;
    private static final long MAX_WAIT_S = 15 * 60;

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final RobotRepository robots;
    private final PasswordHasher passwords;
    private final OAuthTokens oauthTokens;
    private final AppTokenRepository appTokens;
    private final SecretBox box;
    private final UsageLogger usage;

    public CredentialService(BerthConfig config, Pool pool, AccountRepository accounts, RobotRepository robots,
                             PasswordHasher passwords, OAuthTokens oauthTokens, AppTokenRepository appTokens,
                             SecretBox box, UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.robots = robots;
        this.passwords = passwords;
        this.oauthTokens = oauthTokens;
        this.appTokens = appTokens;
        this.box = box;
        this.usage = usage;
    }

    /**
     * The outcome of a password check: the identity when it succeeded, else why not. {@code account} is the user the
     * name pointed at, if any, so that a failure can be logged against it.
     */
    public record Login(Identity identity, Account account, String failure, long retryAfterSeconds) {
        Login(Identity identity, Account account, String failure) {
            this(identity, account, failure, 0);
        }

        public boolean ok() { return identity != null; }

        /** While the account is throttled, Quay's answer: 429 with {@code Retry-After}; null otherwise. */
        public BerthException throttled() {
            return retryAfterSeconds == 0 ? null : new BerthException(ErrorCode.TOO_MANY_REQUESTS, failure,
                    Map.of("retry_after", retryAfterSeconds), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }
    }

    /** Quay's "encrypted password": the password sealed with the database key, accepted wherever the password is. */
    public String encryptedPassword(String password) {
        return box.seal(password);
    }

    /**
     * Basic-auth credentials: a password login, a robot and its token, {@code $oauthtoken} with an OAuth token, or
     * {@code $app} with an app-specific token.
     */
    public Future<Login> basic(String username, String password) {
        if (username != null && password != null && username.indexOf('+') > 0) return robot(username, password);
        if (appTokenLogin(username)) return appToken(password);
        if (!OAUTH_USERNAME.equals(username)) return password(username, password);
        return oauthTokens.authenticate(password)
                .map(identity -> new Login(identity, null, identity == null ? "Invalid access token" : null));
    }

    /** A user's name or e-mail and password. */
    public Future<Login> password(String username, String password) {
        if (username == null || password == null || username.isEmpty()) {
            return Future.succeededFuture(new Login(null, null, INVALID));
        }
        var lookup = username.contains("@") ? accounts.findByEmail(pool, username) : accounts.findByUsername(pool, username);
        return lookup.compose(account -> {
            if (account == null || !account.isUser()) {
                // hash anyway so that unknown names cost as much time as known ones
                return passwords.verify(password, PasswordHasher.DECOY).map(ok -> new Login(null, null, INVALID));
            }
            return accounts.loginFailures(pool, account.id()).compose(failures -> {
                long wait = waitAfter(failures);
                if (wait > 0) return Future.succeededFuture(new Login(null, account, TOO_MANY, wait));
                String unsealed = box.open(password);
                return passwords.verify(unsealed != null ? unsealed : password, account.passwordHash()).compose(ok -> {
                    if (!ok) return accounts.recordLoginFailure(pool, account.id()).map(new Login(null, account, INVALID));
                    Future<Void> cleared = failures.count() > 0 ? accounts.clearLoginFailures(pool, account.id())
                            : Future.succeededFuture();
                    return cleared.map(account.enabled()
                            ? new Login(new Identity(account.id(), account.username(), Identity.Kind.USER, null), account, null)
                            : new Login(null, account, DISABLED));
                });
            });
        });
    }

    /** Seconds until the account may try a password again (Quay's exponential backoff on failed logins); 0 now. */
    static long waitAfter(AccountRepository.LoginFailures failures) {
        if (failures.count() < FREE_FAILURES) return 0;
        long backoff = FIRST_WAIT_S << Math.min(failures.count() - FREE_FAILURES, 20);
        return Math.max(0, (long) Math.ceil(Math.min(backoff, MAX_WAIT_S) - failures.secondsSinceLast()));
    }

    /**
     * A robot's token, compared in constant time with the sealed one (Quay's failure texts); the robot's identity
     * carries its token generation.
     */
    private Future<Login> robot(String name, String token) {
        return robots.find(pool, name).compose(robot -> {
            if (robot == null) {
                return Future.succeededFuture(new Login(null, null, "Could not find robot with username: " + name));
            }
            String expected = box.open(robot.tokenSealed());
            if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                return Future.succeededFuture(new Login(null, null, "Invalid robot token"));
            }
            if (!robot.ownerEnabled()) {
                return Future.succeededFuture(new Login(null, null, "Robot " + name + " owner is disabled"));
            }
            return robots.touch(pool, robot.id()).map(v -> new Login(new Identity(robot.id(), robot.name(),
                    Identity.Kind.ROBOT, null, String.valueOf(robot.generation())), null, null));
        });
    }

    /** Whether the name asks for an app-specific token login ({@code $app}, while the feature is on). */
    private boolean appTokenLogin(String username) {
        return AppTokenService.USERNAME.equals(username) && config.appTokens().enabled();
    }

    /**
     * An app-specific token: found by its lookup name while it lives, its secret compared in constant time with the
     * sealed one; its user must be enabled. The identity carries the token, so that its registry tokens die with it.
     */
    private Future<Login> appToken(String code) {
        if (code == null || code.length() < 2 * AppTokenService.NAME_LENGTH) {
            return Future.succeededFuture(new Login(null, null, INVALID_TOKEN));
        }
        return appTokens.findByName(pool, code.substring(0, AppTokenService.NAME_LENGTH)).compose(held -> {
            if (held == null || !SecretCodes.same(box.open(held.token().sealedSecret()),
                    code.substring(AppTokenService.NAME_LENGTH))) {
                return Future.succeededFuture(new Login(null, null, INVALID_TOKEN));
            }
            var token = held.token();
            if (!held.enabled()) {
                return accounts.findById(pool, token.accountId()).map(account -> new Login(null, account, DISABLED));
            }
            boolean stale = token.lastAccessed() == null
                    || token.lastAccessed().isBefore(OffsetDateTime.now().minus(ACCESS_RESOLUTION));
            Future<Void> touched = stale ? appTokens.touch(pool, token.id()) : Future.succeededFuture();
            return touched.map(v -> new Login(Identity.appToken(token.accountId(), held.username(), token.uuid()),
                    null, null));
        });
    }

    /**
     * Writes Quay's {@code login_success} or {@code login_failure} entry, as {@code ACTION_LOG_AUDIT_LOGINS} and
     * {@code ACTION_LOG_AUDIT_LOGIN_FAILURES} ask.
     *
     * @param type Quay's login type, e.g. {@code quayauth} (sign-in) or {@code v2auth}
     */
    public void audit(Login login, String attemptedName, String type, String ip, String userAgent) {
        var metadata = new JsonObject().put("type", type).put("useragent", userAgent);
        if (login.ok()) {
            if (config.actionLogAuditLogins()) {
                usage.log("login_success", login.identity().accountId(), login.identity(), null, ip, metadata);
            }
        } else if (config.actionLogAuditLoginFailures()) {
            Account account = login.account();
            Identity performer = account == null ? Identity.ANONYMOUS
                    : new Identity(account.id(), account.username(), Identity.Kind.USER, null);
            metadata.put("message", login.failure());
            if (appTokenLogin(attemptedName)) {
                metadata.put("kind", "app_specific_token");
                if (account != null) metadata.put("username", account.username());
            } else {
                metadata.put("kind", "user").put("username", attemptedName);
            }
            usage.log("login_failure", account == null ? null : account.id(), performer, null, ip, metadata);
        }
    }
}
