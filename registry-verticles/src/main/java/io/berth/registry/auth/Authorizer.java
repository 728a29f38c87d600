package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.registry.build.BuildRepository;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.OrganizationRepository;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.RobotRepository;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * The one place that decides what a caller may do; /v2, /api/v1 and the UI all ask it. A repository role comes from
 * owning the namespace, a direct permission, a team's permission or an organization admin team; robots hold only
 * what was granted to them (directly or through their teams), never their owner's rights. OAuth scopes cap the role
 * a token's user would otherwise have. A build may write its own repository while it runs, and nothing else.
 */
public final class Authorizer {
    private final BerthConfig config;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final PermissionRepository permissions;
    private final RobotRepository robots;
    private final OAuthTokenRepository oauthTokens;
    private final AppTokenRepository appTokens;
    private final BuildRepository builds;

    public Authorizer(BerthConfig config, AccountRepository accounts, OrganizationRepository organizations,
                      PermissionRepository permissions, RobotRepository robots, OAuthTokenRepository oauthTokens,
                      AppTokenRepository appTokens, BuildRepository builds) {
        this.config = config;
        this.accounts = accounts;
        this.organizations = organizations;
        this.permissions = permissions;
        this.robots = robots;
        this.oauthTokens = oauthTokens;
        this.appTokens = appTokens;
        this.builds = builds;
    }

    /** The caller's effective role on an existing repository. */
    public Future<Role> role(SqlClient db, Identity who, RepositoryRecord repo) {
        Role floor = repo.isPublic() && (config.featureAnonymousAccess() || !who.anonymous()) ? Role.READ : Role.NONE;
        if (who.anonymous()) return Future.succeededFuture(floor);
        if (who.kind() == Identity.Kind.BUILD) {
            return builds.runningRepository(db, who.buildUuid())
                    .map(repositoryId -> repositoryId != null && repositoryId == repo.id() ? Role.WRITE : floor);
        }
        if (who.accountId() == repo.namespaceId()) return Future.succeededFuture(cap(who, Role.ADMIN, floor));
        return permissions.effectiveRole(db, repo.id(), repo.namespaceId(), who.accountId())
                .map(role -> cap(who, role, floor));
    }

    /**
     * Whether the caller may create repositories in the namespace: a user in its own, anyone (robots included) in an
     * organization where one of its teams has the admin or creator role.
     */
    public Future<Boolean> canCreateIn(SqlClient db, Identity who, String namespace) {
        if (who.anonymous() || !who.hasScope("repo:create")) return Future.succeededFuture(false);
        if (!who.robot() && who.username().equals(namespace)) return Future.succeededFuture(true);
        return organizationRole(db, who, namespace).map(role -> "admin".equals(role) || "creator".equals(role));
    }

    /**
     * Whether the caller administers the namespace: a user its own, an organization's admin-team members theirs.
     * Robots never do; superusers do not either, unless granted like anyone else.
     */
    public Future<Boolean> administersNamespace(SqlClient db, Identity who, String namespace) {
        if (who.anonymous() || who.robot()) return Future.succeededFuture(false);
        if (who.username().equals(namespace)) return Future.succeededFuture(who.hasScope("user:admin"));
        return organizationRole(db, who, namespace).map(role -> "admin".equals(role) && who.hasScope("org:admin"));
    }

    /**
     * Whether the caller may act on its own account (its robots, accepting invitations, converting it): a signed-in
     * user, not a robot, with {@code user:admin}.
     */
    public boolean administersOwnAccount(Identity who) {
        return !who.anonymous() && !who.robot() && who.hasScope("user:admin");
    }

    /** Succeeds when {@link #administersOwnAccount} holds, else fails with Quay's {@link #refusal}. */
    public Future<Void> requireOwnAccount(Identity who) {
        return administersOwnAccount(who) ? Future.succeededFuture() : Future.failedFuture(refusal(who));
    }

    /** Whether the caller is in any team of the organization. */
    public Future<Boolean> isOrganizationMember(SqlClient db, Identity who, long organizationId) {
        if (who.anonymous()) return Future.succeededFuture(false);
        return organizations.strongestRole(db, organizationId, who.accountId()).map(role -> role != null);
    }

    /** Whether the caller may see a team's members: the organization's admins and the team's own members. */
    public Future<Boolean> canViewTeam(SqlClient db, Identity who, String organization, long teamId) {
        if (who.anonymous()) return Future.succeededFuture(false);
        return administersNamespace(db, who, organization).compose(admin -> admin ? Future.succeededFuture(true)
                : organizations.isTeamMember(db, teamId, who.accountId()));
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
        return !who.anonymous() && !who.robot() && config.isSuperUser(who.username()) && who.hasScope("super:user");
    }

    /**
     * The caller as the database knows it now, or null when what it signed in with no longer holds: the account is
     * gone, disabled or became an organization, a robot's owner is disabled or its token was regenerated, an OAuth
     * or app-specific token was revoked or expired. Surfaces
     * that trust a credential for a while (the /v2 bearer token) ask this on every request.
     */
    public Future<Identity> current(SqlClient db, Identity who) {
        if (who.anonymous()) return Future.succeededFuture(who);
        // a build's token dies with the build's lease: it is no use once the build has ended
        if (who.kind() == Identity.Kind.BUILD) {
            return builds.runningRepository(db, who.buildUuid()).map(repositoryId -> repositoryId != null ? who : null);
        }
        if (who.robot()) {
            return robots.find(db, who.username()).map(robot -> robot != null && robot.id() == who.accountId()
                    && robot.ownerEnabled() && String.valueOf(robot.generation()).equals(who.credential()) ? who : null);
        }
        Future<Boolean> credentialLive = who.credential() == null ? Future.succeededFuture(true)
                : switch (who.kind()) {
                    case OAUTH -> oauthTokens.isLive(db, Long.parseLong(who.credential()));
                    case APP_TOKEN -> appTokens.isLive(db, java.util.UUID.fromString(who.credential()));
                    default -> Future.succeededFuture(true);
                };
        return credentialLive.compose(live -> !live ? Future.succeededFuture(null)
                : accounts.findById(db, who.accountId()).map(account -> account != null && account.isUser()
                        && account.enabled() && account.username().equals(who.username()) ? who : null));
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
