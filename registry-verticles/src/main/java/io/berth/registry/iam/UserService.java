package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthTokenRepository;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.PasswordHasher;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.regex.Pattern;

/** Users: first-user initialization, sign-up, lookups. */
public final class UserService {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    /** Quay's bootstrap token lives 2.5 hours. */
    private static final Duration INITIAL_TOKEN_LIFETIME = Duration.ofSeconds(9000);

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final PasswordHasher passwords;
    private final OAuthTokenRepository oauthRows;
    private final OAuthTokens oauthTokens;
    private final NamespaceService namespaces;
    private final UsageLogger usage;

    public UserService(BerthConfig config, Pool pool, AccountRepository accounts, PasswordHasher passwords,
                       OAuthTokenRepository oauthRows, OAuthTokens oauthTokens, NamespaceService namespaces,
                       UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.passwords = passwords;
        this.oauthRows = oauthRows;
        this.oauthTokens = oauthTokens;
        this.namespaces = namespaces;
        this.usage = usage;
    }

    /** A new user, and the plain text of its first OAuth token when one was asked for. */
    public record Created(Account account, String accessToken) {}

    /**
     * Creates the first user of an empty database. Serialised by a transaction-scoped advisory lock so two concurrent
     * calls cannot both see an empty database.
     */
    public Future<Created> initialize(String username, String password, String email, boolean withToken, String ip) {
        validate(username, password, email, false);
        return passwords.hash(password).compose(hash -> pool.withTransaction(tx ->
                tx.query("SELECT pg_advisory_xact_lock(hashtext('berth.user.initialize'))").execute()
                        .compose(v -> accounts.countUsers(tx))
                        .compose(count -> {
                            if (count > 0) {
                                return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                                        "Cannot initialize user in a non-empty database"));
                            }
                            return insert(tx, username, email, hash);
                        })
                        .compose(account -> !withToken ? Future.succeededFuture(new Created(account, null))
                                : oauthRows.ensureApplication(tx, account.id(), account.username(),
                                                OAuthTokens.random(40), "automation")
                                        .compose(appId -> oauthTokens.mint(tx, appId, account.id(),
                                                OAuthTokens.ALL_SCOPES, INITIAL_TOKEN_LIFETIME))
                                        .map(token -> new Created(account, token)))))
                .onSuccess(created -> logCreated(created.account(), ip));
    }

    /** Sign-up ({@code POST /api/v1/user/}). */
    public Future<Account> create(String username, String password, String email, String ip) {
        validate(username, password, email, true);
        return passwords.hash(password)
                .compose(hash -> pool.withTransaction(tx -> insert(tx, username, email, hash)))
                .onSuccess(account -> logCreated(account, ip));
    }

    /** What {@code PUT /api/v1/user/} changes; a null field is left as it is. */
    public record Changes(Long tagExpirationS) {
        /** Reads and type-checks the fields of the request body (400 on a wrong type). */
        public static Changes of(JsonObject body) {
            return new Changes(NamespaceService.tagExpirationOf(body));
        }
    }

    /** Applies the caller's changes to their own account and returns it as it is afterwards. */
    public Future<Account> update(Identity who, Changes changes, String ip) {
        return find(who.username()).compose(account -> {
            if (account == null || !account.isUser()) {
                return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "User not found"));
            }
            return namespaces.change(who, account, changes.tagExpirationS(), ip);
        });
    }

    public Future<Account> find(String username) {
        return accounts.findByUsername(pool, username);
    }

    private Future<Account> insert(io.vertx.sqlclient.SqlConnection tx, String username, String email, String hash) {
        return accounts.insertUser(tx, username, email, hash, config.defaultTagExpiration().toSeconds())
                .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err)
                        ? new BerthException(ErrorCode.INVALID_REQUEST, err.getMessage().contains("email")
                                ? "E-mail address already used" : "The username already exists")
                        : err));
    }

    private void logCreated(Account account, String ip) {
        var who = new Identity(account.id(), account.username(), Identity.Kind.USER, null);
        usage.log("user_create", account.id(), who, null, ip, new JsonObject().put("username", account.username()));
    }

    private static void validate(String username, String password, String email, boolean emailRequired) {
        if (username == null || !RepositoryName.validNamespace(username)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid namespace " + username
                    + ": must be 2-255 characters of a-z, 0-9 and . _ - between them");
        }
        if (password == null || password.length() < 8 || password.chars().anyMatch(Character::isWhitespace)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "Invalid password: password must be at least 8 characters and contain no whitespace.");
        }
        if (email == null || email.isBlank()) {
            if (emailRequired) throw new BerthException(ErrorCode.INVALID_REQUEST, "Email address is required");
        } else if (!EMAIL.matcher(email).matches()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid email address: " + email);
        }
    }
}
