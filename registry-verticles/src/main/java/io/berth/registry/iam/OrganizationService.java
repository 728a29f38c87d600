package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.regex.Pattern;

/** Organizations: creation (the creator becomes a member of the admin team {@code owners}) and lookups. */
public final class OrganizationService {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final UsageLogger usage;

    public OrganizationService(BerthConfig config, Pool pool, AccountRepository accounts,
                               OrganizationRepository organizations, UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.usage = usage;
    }

    public Future<Account> create(Identity creator, String name, String email, String ip) {
        if (creator.anonymous() || creator.kind() == Identity.Kind.ROBOT) {
            return Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication"));
        }
        if (!RepositoryName.validNamespace(name)) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Invalid organization name " + name
                    + ": must be 2-255 characters of a-z, 0-9 and . _ - between them"));
        }
        if (email != null && !EMAIL.matcher(email).matches()) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Invalid email address"));
        }
        return pool.withTransaction(tx -> accounts.findById(tx, creator.accountId()).compose(user -> {
                    if (email != null && user != null && email.equalsIgnoreCase(user.email())) {
                        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                                "The organization's e-mail must differ from yours"));
                    }
                    return organizations.insert(tx, name, email, config.defaultTagExpiration().toSeconds());
                }).compose(orgId -> {
                    if (orgId == null) {
                        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                                "A user or organization with this name already exists"));
                    }
                    return organizations.insertTeam(tx, orgId, "owners", "admin", "")
                            .compose(teamId -> organizations.addMember(tx, teamId, creator.accountId()))
                            .compose(v -> accounts.findById(tx, orgId));
                }))
                .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err)
                        ? new BerthException(ErrorCode.INVALID_REQUEST, "Email address already used") : err))
                .onSuccess(org -> usage.log("org_create", org.id(), creator, null, ip,
                        new JsonObject().put("email", email).put("namespace", name)));
    }

    /** The organization named, or a 404. */
    public Future<Account> find(String name) {
        return accounts.findByUsername(pool, name).compose(account -> account == null || !account.isOrganization()
                ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                : Future.succeededFuture(account));
    }
}
