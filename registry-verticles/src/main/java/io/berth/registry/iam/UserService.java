package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthScopes;
import io.berth.registry.auth.OAuthTokenRepository;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.PasswordHasher;
import io.berth.registry.auth.SecretCodes;
import io.berth.registry.auth.Sessions;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.mail.Mailer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Users: first-user initialization, sign-up, lookups, and changes to an account's settings. */
public final class UserService {
    private static final Logger LOG = LoggerFactory.getLogger(UserService.class);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    /** Quay's bootstrap token lives 2.5 hours. */
    private static final Duration INITIAL_TOKEN_LIFETIME = Duration.ofSeconds(9000);
    /** How long an e-mail confirmation link stays good. */
    private static final Duration CONFIRMATION_LIFETIME = Duration.ofDays(1);
    public static final Set<String> PROFILE_FIELDS = Set.of("given_name", "family_name", "company", "location");
    private static final int MAX_PROFILE_FIELD = 255;

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final PasswordHasher passwords;
    private final OAuthTokenRepository oauthRows;
    private final OAuthTokens oauthTokens;
    private final Sessions sessions;
    private final Mailer mailer;
    private final NamespaceService namespaces;
    private final UsageLogger usage;

    public UserService(BerthConfig config, Pool pool, AccountRepository accounts, PasswordHasher passwords,
                       OAuthTokenRepository oauthRows, OAuthTokens oauthTokens, Sessions sessions, Mailer mailer,
                       NamespaceService namespaces, UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.passwords = passwords;
        this.oauthRows = oauthRows;
        this.oauthTokens = oauthTokens;
        this.sessions = sessions;
        this.mailer = mailer;
        this.namespaces = namespaces;
        this.usage = usage;
    }

    /** A new user, and the plain text of its first OAuth token when one was asked for. */
    public record Created(Account account, String accessToken) {}

    /**
     * Changes to one's own account ({@code PUT /api/v1/user/}); null fields stay as they are. {@code profile} holds
     * the profile fields present in the request (a null value clears one); {@code tagExpirationS} is the namespace's
     * time-machine window.
     */
    public record Update(String password, String email, Map<String, String> profile, Long tagExpirationS) {}

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
                            return insert(tx, username, email, hash, true);
                        })
                        // the bootstrap app's client secret is never handed out, so none is stored ("")
                        .compose(account -> !withToken ? Future.succeededFuture(new Created(account, null))
                                : oauthRows.ensureApplication(tx, account.id(), account.username(), "", "automation",
                                                "Application token generated via /api/v1/user/initialize")
                                        .compose(appId -> oauthTokens.mint(tx, appId, account.id(),
                                                OAuthScopes.ALL, INITIAL_TOKEN_LIFETIME, null))
                                        .map(minted -> new Created(account, minted.token())))))
                .onSuccess(created -> logCreated(created.account(), identityOf(created.account()), ip));
    }

    /**
     * Sign-up ({@code POST /api/v1/user/}). With mailing on, the address given is not verified (as in Quay): it is
     * mailed a confirmation link, and nothing shows it is the user's until a code mailed to it comes back (that link,
     * or a team invitation's). The account works meanwhile; a confirmation mail that cannot be sent is only logged.
     */
    public Future<Account> create(String username, String password, String email, String ip) {
        validate(username, password, email, true);
        boolean confirm = email != null && mailer.enabled();
        String code = confirm ? SecretCodes.random(40) : null;
        return passwords.hash(password)
                .compose(hash -> pool.withTransaction(tx -> insert(tx, username, email, hash, !confirm)
                        .compose(account -> !confirm ? Future.succeededFuture(account)
                                : pendingConfirmation(tx, account.id(), email, code).map(account))))
                .onSuccess(account -> {
                    logCreated(account, identityOf(account), ip);
                    if (confirm) {
                        mailConfirmation(account, email, code, "Confirm your e-mail address", "confirm the e-mail "
                                + "address of your new account").onFailure(err -> LOG.warn("The sign-up confirmation mail to {} "
                                + "could not be sent: {}", email, err.getMessage()));
                    }
                });
    }

    /** A user created by a superuser, with the password and the (vouched for) e-mail address they chose for it. */
    public Future<Account> createFor(Identity superuser, String username, String password, String email, String ip) {
        validate(username, password, email, false);
        return passwords.hash(password)
                .compose(hash -> pool.withTransaction(tx -> insert(tx, username, email, hash, true)))
                .onSuccess(account -> logCreated(account, superuser, ip));
    }

    public Future<Account> find(String username) {
        return accounts.findByUsername(pool, username);
    }

    public Future<AccountRepository.Profile> profile(Account account) {
        return accounts.profile(pool, account.id());
    }

    /**
     * Changes the caller's own account. A new password ends the user's other sessions (all but {@code keepSession});
     * a new e-mail address, when mail can be sent, only changes once the link mailed to it is followed.
     */
    public Future<Account> update(Identity who, String keepSession, Update update, String ip) {
        validate(update);
        Future<String> hash = update.password() == null ? Future.succeededFuture() : passwords.hash(update.password());
        return hash.compose(h -> pool.withTransaction(tx -> accounts.lock(tx, who.accountId()).compose(account -> {
                    if (account == null) return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "User not found"));
                    String email = update.email() == null || update.email().equalsIgnoreCase(account.email())
                            ? null : update.email();
                    boolean confirm = email != null && mailer.enabled();
                    String code = confirm ? SecretCodes.random(40) : null;
                    return (h == null ? Future.<Void>succeededFuture() : changePassword(tx, account, h, keepSession))
                            .compose(v -> email == null ? Future.succeededFuture() : refuseTakenEmail(tx, email, account.id()))
                            .compose(v -> email == null ? Future.succeededFuture()
                                    : confirm ? pendingConfirmation(tx, account.id(), email, code)
                                    : accounts.setEmail(tx, account.id(), email))
                            .compose(v -> update.profile().isEmpty() ? Future.succeededFuture()
                                    : accounts.setProfile(tx, account.id(), update.profile()))
                            .compose(v -> update.tagExpirationS() == null ? Future.succeededFuture()
                                    : namespaces.setTagExpiration(tx, account, update.tagExpirationS()))
                            .map(v -> new Change(account, email, code));
                })))
                .recover(UserService::emailInUse)
                .compose(change -> {
                    Account account = change.before();
                    if (update.password() != null) passwordChanged(who, account, ip);
                    if (change.email() != null && change.code() == null) emailChanged(who, account, change.email(), ip);
                    if (!update.profile().isEmpty()) {
                        var metadata = new JsonObject();
                        update.profile().forEach(metadata::put);
                        usage.log("user_change_metadata", account.id(), who, null, ip, metadata);
                    }
                    if (update.tagExpirationS() != null) {
                        namespaces.logTagExpiration(who, account, update.tagExpirationS(), ip);
                    }
                    Future<Void> mail = change.code() == null ? Future.succeededFuture()
                            : mailConfirmation(account, change.email(), change.code(), "Confirm your new e-mail address",
                                    "make " + change.email() + " the e-mail address of your account")
                                    .recover(err -> Future.failedFuture(new BerthException(ErrorCode.DOWNSTREAM_ISSUE,
                                            "Could not send the confirmation e-mail: " + err.getMessage())));
                    return mail.compose(v -> accounts.findById(pool, account.id()));
                });
    }

    private Future<Void> pendingConfirmation(SqlClient tx, long accountId, String email, String code) {
        return accounts.insertEmailConfirmation(tx, SecretCodes.name(code), SecretCodes.secretHash(code), accountId,
                email, OffsetDateTime.now(ZoneOffset.UTC).plus(CONFIRMATION_LIFETIME));
    }

    /** Mails {@code email} the link that confirms it; {@code purpose} completes "to …, open this link". */
    private Future<Void> mailConfirmation(Account account, String email, String code, String subject, String purpose) {
        return mailer.send(email, subject, "Hello " + account.username() + ",\n\nto " + purpose
                + ", open this link within a day:\n\n" + config.baseUrl() + "/confirm?code=" + code
                + "\n\nIf you did not ask for this, ignore this message.\n");
    }

    /** Follows an e-mail confirmation link: the pending address becomes the account's, verified. */
    public Future<Account> confirmEmail(String code, String ip) {
        var invalid = new BerthException(ErrorCode.INVALID_REQUEST, "Invalid or expired confirmation code");
        if (!SecretCodes.wellFormed(code)) return Future.failedFuture(invalid);
        return pool.withTransaction(tx -> accounts.takeEmailConfirmation(tx, SecretCodes.name(code)).compose(pending -> {
                    if (pending == null || !SecretCodes.same(pending.codeHash(), SecretCodes.secretHash(code))
                            || pending.expiresAt().isBefore(OffsetDateTime.now())) {
                        return Future.failedFuture(invalid);
                    }
                    return accounts.findById(tx, pending.accountId()).compose(account ->
                            accounts.setEmail(tx, account.id(), pending.newEmail())
                                    .map(v -> new Change(account, pending.newEmail(), null)));
                }))
                .recover(UserService::emailInUse)
                .compose(change -> {
                    if (!change.email().equalsIgnoreCase(change.before().email())) {
                        emailChanged(identityOf(change.before()), change.before(), change.email(), ip);
                    }
                    return accounts.findById(pool, change.before().id());
                });
    }

    /**
     * A superuser's changes to a user (not a superuser): password (ends all the user's sessions), e-mail (set at once,
     * verified) and enabled (a disabled user's sessions end, and tokens and passwords stop working).
     */
    public Future<Account> updateFor(Identity superuser, Account target, String password, String email, Boolean enabled,
                                     String ip) {
        if (password != null) validatePassword(password);
        if (email != null && !validEmail(email)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid email address: " + email);
        }
        Future<String> hash = password == null ? Future.succeededFuture() : passwords.hash(password);
        return hash.compose(h -> pool.withTransaction(tx ->
                        (h == null ? Future.<Void>succeededFuture() : changePassword(tx, target, h, null))
                                .compose(v -> email == null ? Future.succeededFuture()
                                        : refuseTakenEmail(tx, email, target.id())
                                                .compose(w -> accounts.setEmail(tx, target.id(), email)))
                                .compose(v -> enabled == null ? Future.succeededFuture()
                                        : accounts.setEnabled(tx, target.id(), enabled)
                                                .compose(w -> enabled ? Future.succeededFuture()
                                                        : sessions.endOthers(tx, target.id(), null)))))
                .recover(UserService::emailInUse)
                .compose(v -> {
                    if (password != null) passwordChanged(superuser, target, ip);
                    if (email != null) emailChanged(superuser, target, email, ip);
                    if (enabled != null && enabled != target.enabled()) {
                        usage.log(enabled ? "user_enable" : "user_disable", target.id(), superuser, null, ip,
                                new JsonObject().put("username", target.username()));
                    }
                    return accounts.findById(pool, target.id());
                });
    }

    public static boolean validEmail(String email) {
        return email != null && EMAIL.matcher(email).matches();
    }

    private record Change(Account before, String email, String code) {}

    private Future<Void> changePassword(SqlClient tx, Account account, String hash, String keepSession) {
        return accounts.setPassword(tx, account.id(), hash).compose(v -> sessions.endOthers(tx, account.id(), keepSession));
    }

    private Future<Void> refuseTakenEmail(SqlClient tx, String email, long accountId) {
        return accounts.findByEmail(tx, email).compose(other -> other != null && other.id() != accountId
                ? Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "E-mail address already used"))
                : Future.succeededFuture());
    }

    private void passwordChanged(Identity who, Account account, String ip) {
        usage.log("user_change_password", account.id(), who, null, ip, new JsonObject().put("username", account.username()));
        if (mailer.enabled() && account.email() != null) {
            mailer.send(account.email(), "Your password was changed", "Hello " + account.username()
                            + ",\n\nthe password of your account was just changed. If that was not you, contact your "
                            + "administrator.\n")
                    .onFailure(err -> LOG.warn("Could not mail {} about the password change: {}", account.username(),
                            err.getMessage()));
        }
    }

    private void emailChanged(Identity who, Account account, String email, String ip) {
        usage.log("user_change_email", account.id(), who, null, ip,
                new JsonObject().put("email", email).put("old_email", account.email()));
    }

    private static <T> Future<T> emailInUse(Throwable err) {
        return Future.failedFuture(Sql.isUniqueViolation(err)
                ? new BerthException(ErrorCode.INVALID_REQUEST, "E-mail address already used") : err);
    }

    private Future<Account> insert(SqlClient tx, String username, String email, String hash, boolean verified) {
        return accounts.insertUser(tx, username, email, hash, config.defaultTagExpiration().toSeconds(), verified)
                .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err)
                        ? new BerthException(ErrorCode.INVALID_REQUEST, err.getMessage().contains("email")
                                ? "E-mail address already used" : "The username already exists")
                        : err));
    }

    private void logCreated(Account account, Identity who, String ip) {
        usage.log("user_create", account.id(), who, null, ip, new JsonObject().put("username", account.username())
                .put("email", account.email()));
    }

    private static Identity identityOf(Account account) {
        return new Identity(account.id(), account.username(), Identity.Kind.USER, null);
    }

    private static void validate(Update update) {
        if (update.password() != null) validatePassword(update.password());
        if (update.email() != null && !validEmail(update.email())) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid email address: " + update.email());
        }
        update.profile().forEach((field, value) -> {
            if (value != null && value.length() > MAX_PROFILE_FIELD) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, field + " must be at most " + MAX_PROFILE_FIELD + " characters");
            }
        });
    }

    private static void validatePassword(String password) {
        if (password.length() < 8 || password.chars().anyMatch(Character::isWhitespace)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "Invalid password: password must be at least 8 characters and contain no whitespace.");
        }
    }

    private static void validate(String username, String password, String email, boolean emailRequired) {
        if (username == null || !RepositoryName.validNamespace(username)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid namespace " + username
                    + ": must be 2-255 characters of a-z, 0-9 and . _ - between them");
        }
        if (password == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "'password' is a required property");
        validatePassword(password);
        if (email == null || email.isBlank()) {
            if (emailRequired) throw new BerthException(ErrorCode.INVALID_REQUEST, "Email address is required");
        } else if (!validEmail(email)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid email address: " + email);
        }
    }
}
