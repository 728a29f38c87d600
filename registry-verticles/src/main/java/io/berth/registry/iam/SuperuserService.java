package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SecretCodes;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * What the users named in {@code SUPER_USERS} may do (quay-api.md §3.17): manage users and organizations of the
 * whole installation. Other superusers are off limits, as in Quay.
 */
public final class SuperuserService {
    private static final String PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final BerthConfig config;
    private final Pool pool;
    private final Authorizer authorizer;
    private final AccountRepository accounts;
    private final UserService users;
    private final OrganizationService organizations;
    private final NamespaceService namespaces;
    private final RecoveryService recovery;
    private final UsageLogger usage;

    public SuperuserService(BerthConfig config, Pool pool, Authorizer authorizer, AccountRepository accounts,
                            UserService users, OrganizationService organizations, NamespaceService namespaces,
                            RecoveryService recovery, UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.authorizer = authorizer;
        this.accounts = accounts;
        this.users = users;
        this.organizations = organizations;
        this.namespaces = namespaces;
        this.recovery = recovery;
        this.usage = usage;
    }

    /** A user created by a superuser and the password generated for it (shown once). */
    public record CreatedUser(Account account, String password) {}

    public Future<List<Account>> users(Identity who, boolean includeDisabled, String after, int limit) {
        check(who);
        return accounts.listUsers(pool, includeDisabled, after, limit);
    }

    /** Creates a user with a generated password (32 characters of A-Z and 0-9, as Quay makes them). */
    public Future<CreatedUser> createUser(Identity who, String username, String email, String ip) {
        check(who);
        String password = SecretCodes.random(32, PASSWORD_ALPHABET);
        return users.createFor(who, username, password, email, ip).map(account -> new CreatedUser(account, password));
    }

    public Future<Account> user(Identity who, String username) {
        check(who);
        return accounts.findByUsername(pool, username).compose(account -> account == null || !account.isUser()
                ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                : Future.succeededFuture(account));
    }

    public Future<Account> updateUser(Identity who, String username, String password, String email, Boolean enabled,
                                      String ip) {
        return ordinaryUser(who, username, "Cannot update a superuser")
                .compose(target -> users.updateFor(who, target, password, email, enabled, ip));
    }

    public Future<Void> deleteUser(Identity who, String username, String ip) {
        return ordinaryUser(who, username, "Cannot delete a superuser")
                .compose(target -> namespaces.delete(who, target, true, ip));
    }

    /** Whether {@link #sendRecovery} can work: the registry sends mail. */
    public boolean sendsRecovery() {
        return recovery.enabled();
    }

    /** Mails the user (not a superuser) a password recovery link, as Quay's panel does; the address it went to. */
    public Future<String> sendRecovery(Identity who, String username) {
        return ordinaryUser(who, username, "Cannot send a recovery email for a superuser")
                .compose(recovery::requestFor);
    }

    public Future<List<Account>> organizations(Identity who, String after, int limit) {
        check(who);
        return accounts.listOrganizations(pool, after, limit);
    }

    public Future<Account> renameOrganization(Identity who, String name, String newName, String ip) {
        check(who);
        if (newName == null || !RepositoryName.validNamespace(newName)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid organization name " + newName
                    + ": must be 2-255 characters of a-z, 0-9 and . _ - between them");
        }
        return organizations.find(name).compose(org -> {
            if (org.username().equals(newName)) return Future.succeededFuture(org);
            return accounts.rename(pool, org.id(), newName)
                    .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err)
                            ? new BerthException(ErrorCode.INVALID_REQUEST, "A user or organization with this name already exists")
                            : err))
                    .onSuccess(v -> usage.log("org_change_name", org.id(), who, null, ip,
                            new JsonObject().put("old_name", name).put("new_name", newName)))
                    .compose(v -> accounts.findById(pool, org.id()));
        });
    }

    public Future<Void> deleteOrganization(Identity who, String name, String ip) {
        check(who);
        return organizations.find(name).compose(org -> namespaces.delete(who, org, true, ip));
    }

    /** Returns whether the namespace was a user (and is now an organization). */
    public Future<Boolean> takeOwnership(Identity who, String namespace, String ip) {
        check(who);
        if (config.isSuperUser(namespace)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Cannot take ownership of a superuser");
        }
        return namespaces.takeOwnership(who, namespace, ip);
    }

    public boolean isSuperUser(Account account) {
        return config.isSuperUser(account.username());
    }

    private Future<Account> ordinaryUser(Identity who, String username, String refusal) {
        return user(who, username).compose(target -> config.isSuperUser(target.username())
                ? Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, refusal))
                : Future.succeededFuture(target));
    }

    private void check(Identity who) {
        if (!authorizer.isSuperUser(who)) throw Authorizer.refusal(who);
    }
}
