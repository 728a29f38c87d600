package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.SecretCodes;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.mail.Mailer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Password recovery by e-mail, as Quay has it ({@code POST /api/v1/recovery}, {@code GET /recovery?code=}): a user's
 * address gets a one-time link that signs the user in, so that they can set a new password; an organization's address
 * gets the names of its admins (organizations have no password). Unknown addresses get the same answer as users', so
 * the answer tells nobody whether an account uses an address. Works only while the registry sends mail. Quay writes
 * no usage-log entry for any of it; the password change that follows is logged as such.
 */
public final class RecoveryService {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryService.class);
    /** Unexpired codes an account may hold: more requests mail nothing, so nobody can flood a mailbox. */
    static final int MAX_LIVE_CODES = 5;
    public static final String INVALID_CODE = "Invalid recovery code: This code is invalid or may have already been used.";
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final RecoveryRepository codes;
    private final Mailer mailer;

    public RecoveryService(BerthConfig config, Pool pool, AccountRepository accounts,
                           OrganizationRepository organizations, RecoveryRepository codes, Mailer mailer) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.codes = codes;
        this.mailer = mailer;
    }

    /**
     * Quay's answer to a recovery request: {@code sent} for a user's address and for an unknown one alike, or
     * {@code org} with the address and the organization's name half hidden.
     */
    public record Requested(boolean organization, String orgEmail, String orgName) {
        static final Requested SENT = new Requested(false, null, null);
    }

    /** Whether recovery works at all: only when mail can be sent (Quay's {@code show_if(features.MAILING)}). */
    public boolean enabled() {
        return mailer.enabled();
    }

    /**
     * Mails a recovery link to the user with this address, or the admins' names to the organization with it. The mail
     * goes out after the answer, whose timing thus does not tell a known address from an unknown one; a delivery
     * failure is logged.
     */
    public Future<Requested> request(String email) {
        if (!enabled()) return Fail.notFound("Not Found");
        if (!UserService.validEmail(email)) return Fail.invalid("Invalid email address");
        return accounts.findNamespaceByEmail(pool, email).compose(account -> {
            if (account == null || !account.enabled()) return Future.succeededFuture(Requested.SENT);
            if (account.isOrganization()) {
                return organizations.adminUsernames(pool, account.id()).map(admins -> {
                    sendLater(mailOrganization(account, admins), "the recovery of organization " + account.username());
                    return new Requested(true, email, redact(account.username()));
                });
            }
            return issue(account, MAX_LIVE_CODES).map(issued -> {
                if (issued != null) sendLater(mailUser(account, issued), "a recovery link to " + account.username());
                return Requested.SENT;
            });
        });
    }

    /**
     * A superuser's request for the user ({@code POST /api/v1/superusers/users/<name>/sendrecovery}): mails a link
     * (the limit on unexpired codes does not apply) and waits for the delivery; the address it went to.
     */
    Future<String> requestFor(Account user) {
        if (!enabled()) return Fail.notFound("Not Found");
        if (user.email() == null) return Fail.invalid("User " + user.username() + " has no e-mail address");
        return issue(user, Integer.MAX_VALUE)
                .compose(issued -> mailUser(user, issued).recover(err -> Future.failedFuture(new BerthException(
                        ErrorCode.DOWNSTREAM_ISSUE, "Could not send the recovery e-mail: " + err.getMessage()))))
                .map(user.email());
    }

    /**
     * Uses a code up: the user it was mailed to, to be signed in. Every other code of the user goes too. Unknown, used
     * and expired codes, and codes of users since disabled or converted into organizations, fail with
     * {@link #INVALID_CODE} (404).
     */
    public Future<Account> redeem(String code) {
        if (config.readOnly()) return Future.failedFuture(new BerthException(ErrorCode.READ_ONLY));
        if (!enabled() || code == null || code.isEmpty()) return Fail.notFound(INVALID_CODE);
        return pool.withTransaction(tx -> codes.take(tx, SecretCodes.sha256(code)).compose(taken -> {
                    if (taken == null || !taken.expiresAt().isAfter(OffsetDateTime.now())) {
                        return Future.<Account>succeededFuture();
                    }
                    return accounts.findById(tx, taken.accountId()).compose(account ->
                            account == null || !account.isUser() || !account.enabled() ? Future.succeededFuture()
                                    : codes.deleteForAccount(tx, account.id()).map(account));
                }))
                // outside the transaction, so that an expired code stays deleted
                .compose(account -> account == null ? Fail.notFound(INVALID_CODE) : Future.succeededFuture(account));
    }

    /**
     * Quay's way of naming an organization to whoever typed its address: the first and last third (less one
     * character, at least one) shown, the middle as bullets.
     */
    static String redact(String name) {
        double keep = Math.max(name.length() / 3.0 - 1, 1);
        var out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            out.append(i < keep || i >= name.length() - keep ? name.charAt(i) : '\u2022');
        }
        return out.toString();
    }

    /** A code just recorded, in plain text (only its hash is stored), and when it stops working. */
    private record Issued(String code, OffsetDateTime expires) {}

    /** Records a new code for the user; null when the user holds {@code maxLive} unexpired ones already. */
    private Future<Issued> issue(Account user, int maxLive) {
        var issued = new Issued(SecretCodes.random(48),
                OffsetDateTime.now(ZoneOffset.UTC).plus(config.userRecoveryTokenLifetime()));
        return codes.insert(pool, SecretCodes.sha256(issued.code()), user.id(), issued.expires(), maxLive)
                .map(recorded -> recorded ? issued : null);
    }

    private Future<Void> mailUser(Account user, Issued issued) {
        return mailer.send(user.email(), "Account recovery", """
                Someone asked to recover the account %s, registered to this e-mail address on %s.

                To sign in and set a new password, open this link. It works once, until %s:
                %s/recovery?code=%s

                If you did not ask for this, ignore this message: your password and access stay as they are.
                """.formatted(user.username(), config.baseUrl(), EXPIRY.format(issued.expires()), config.baseUrl(),
                issued.code()));
    }

    private Future<Void> mailOrganization(Account org, List<String> admins) {
        String who = admins.isEmpty() ? "It has no admin who can sign in: ask the administrators of the registry.\n"
                : "Sign in as one of its admins to manage it:\n\n" + String.join("\n",
                        admins.stream().map(a -> "  " + a).toList()) + "\n\n" + config.baseUrl() + "/signin\n";
        return mailer.send(org.email(), "Organization " + org.username() + " recovery", """
                Someone at %s tried to recover access to the organization %s through this e-mail address. \
                Organizations have no password of their own.

                %s
                If you did not ask for this, ignore this message: the organization is safe and nobody was given access.
                """.formatted(config.baseUrl(), org.username(), who));
    }

    private static void sendLater(Future<Void> sent, String what) {
        sent.onFailure(err -> LOG.warn("Could not mail {}: {}", what, err.toString()));
    }
}
