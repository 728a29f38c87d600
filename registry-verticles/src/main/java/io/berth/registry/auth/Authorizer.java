package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.OrganizationRepository;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * The one place that decides what a caller may do; /v2, /api/v1 and the UI all ask it. OAuth scopes cap the role a
 * token's user would otherwise have.
 */
public final class Authorizer {
    private final BerthConfig config;
    private final RepositoryRepository repositories;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;

    public Authorizer(BerthConfig config, RepositoryRepository repositories, AccountRepository accounts,
                      OrganizationRepository organizations) {
        this.config = config;
        this.repositories = repositories;
        this.accounts = accounts;
        this.organizations = organizations;
    }

    /** The caller's effective role on an existing repository. */
    public Future<Role> role(SqlClient db, Identity who, RepositoryRecord repo) {
        Role floor = repo.isPublic() && (config.featureAnonymousAccess() || !who.anonymous()) ? Role.READ : Role.NONE;
        if (who.anonymous()) return Future.succeededFuture(floor);
        if (who.accountId() != null && who.accountId() == repo.namespaceId()) {
            return Future.succeededFuture(cap(who, Role.ADMIN, floor));
        }
        return repositories.directRole(db, repo.id(), who.accountId()).compose(direct ->
                organizations.strongestRole(db, repo.namespaceId(), who.accountId()).map(teamRole -> {
                    Role role = "admin".equals(teamRole) ? Role.ADMIN : direct;
                    return cap(who, role, floor);
                }));
    }

    /** Whether the caller may create repositories in the namespace: its own, or an organization as admin or creator. */
    public Future<Boolean> canCreateIn(SqlClient db, Identity who, String namespace) {
        if (who.anonymous() || who.kind() == Identity.Kind.ROBOT || !who.hasScope("repo:create")) {
            return Future.succeededFuture(false);
        }
        if (who.username().equals(namespace)) return Future.succeededFuture(true);
        return organizationRole(db, who, namespace).map(role -> "admin".equals(role) || "creator".equals(role));
    }

    /**
     * Whether the caller administers the namespace: a user its own, an organization's admin-team members theirs.
     * Superusers do not, unless granted like anyone else.
     */
    public Future<Boolean> administersNamespace(SqlClient db, Identity who, String namespace) {
        if (who.anonymous() || who.kind() == Identity.Kind.ROBOT) return Future.succeededFuture(false);
        if (who.username().equals(namespace)) return Future.succeededFuture(who.hasScope("user:admin"));
        return organizationRole(db, who, namespace).map(role -> "admin".equals(role) && who.hasScope("org:admin"));
    }

    /** Succeeds when the caller administers the namespace, else fails with Quay's {@link #refusal}. */
    public Future<Void> requireAdministers(SqlClient db, Identity who, String namespace) {
        return administersNamespace(db, who, namespace).compose(admin -> admin ? Future.succeededFuture()
                : Future.failedFuture(refusal(who)));
    }

    /** Quay's 401-vs-403 rule: 401 "Requires authentication" for anonymous callers, 403 "Unauthorized" for others. */
    public static BerthException refusal(Identity who) {
        return who.anonymous() ? new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication")
                : new BerthException(ErrorCode.DENIED, "Unauthorized");
    }

    public boolean isSuperUser(Identity who) {
        return !who.anonymous() && who.kind() != Identity.Kind.ROBOT && config.isSuperUser(who.username())
                && who.hasScope("super:user");
    }

    /** The caller's strongest team role in the organization, or null (also when the namespace is no organization). */
    private Future<String> organizationRole(SqlClient db, Identity who, String namespace) {
        return accounts.findByUsername(db, namespace).compose(ns -> ns == null || !ns.isOrganization()
                ? Future.succeededFuture(null)
                : organizations.strongestRole(db, ns.id(), who.accountId()));
    }

    /** A role limited by the token's scopes, never below what the public may do anyway. */
    private static Role cap(Identity who, Role role, Role floor) {
        if (who.scopes() == null) return Role.max(role, floor);
        Role ceiling = who.hasScope("repo:admin") ? Role.ADMIN
                : who.hasScope("repo:write") ? Role.WRITE
                : who.hasScope("repo:read") ? Role.READ : Role.NONE;
        Role capped = role.compareTo(ceiling) <= 0 ? role : ceiling;
        return Role.max(capped, floor);
    }
}
