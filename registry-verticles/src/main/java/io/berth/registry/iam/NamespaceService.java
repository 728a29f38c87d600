package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.Sessions;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

/**
 * Whole namespaces: deleting a user or an organization with everything it owns, and a superuser taking one over.
 * {@link #delete} and {@link #takeOwnership} leave the permission check to their callers (the user itself, a
 * superuser); {@link #deleteOrganization} makes its own.
 */
public final class NamespaceService {
    private final Pool pool;
    private final Authorizer authorizer;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final OAuthTokens tokens;
    private final Sessions sessions;
    private final UsageLogger usage;

    public NamespaceService(Pool pool, Authorizer authorizer, AccountRepository accounts,
                            OrganizationRepository organizations, OAuthTokens tokens, Sessions sessions,
                            UsageLogger usage) {
        this.pool = pool;
        this.authorizer = authorizer;
        this.accounts = accounts;
        this.organizations = organizations;
        this.tokens = tokens;
        this.sessions = sessions;
        this.usage = usage;
    }

    /**
     * Deletes a user or an organization and, in the same transaction, everything it owns: repositories (with their
     * manifests, tags and blob links, so storage is left to garbage collection), robots, teams, permissions, tokens,
     * sessions and applications. A user who is the only admin of an organization is refused unless {@code force}
     * (a superuser's delete), so that no organization is left without one.
     */
    public Future<Void> delete(Identity who, Account namespace, boolean force, String ip) {
        return pool.withTransaction(tx -> accounts.lock(tx, namespace.id()).compose(locked -> {
                    if (locked == null || locked.isRobot()) {
                        return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
                    }
                    Future<Void> guard = force || !locked.isUser() ? Future.succeededFuture()
                            : organizations.solelyAdministeredBy(tx, locked.id()).compose(orgs -> orgs.isEmpty()
                                    ? Future.succeededFuture()
                                    : Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Cannot delete "
                                            + locked.username() + " as you are the only admin for organizations: "
                                            + String.join(", ", orgs))));
                    return guard.compose(v -> accounts.delete(tx, locked.id())).map(locked);
                }))
                .onSuccess(deleted -> usage.log(deleted.isUser() ? "user_delete" : "org_delete", deleted.id(), who, null, ip,
                        new JsonObject().put(deleted.isUser() ? "username" : "namespace", deleted.username())))
                .mapEmpty();
    }

    /** {@code DELETE /api/v1/organization/<org>}: by one of its admins. */
    public Future<Void> deleteOrganization(Identity who, String name, String ip) {
        return authorizer.requireAdministers(pool, who, name)
                .compose(v -> accounts.findByUsername(pool, name))
                .compose(org -> org == null || !org.isOrganization()
                        ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                        : delete(who, org, false, ip));
    }

    /**
     * A superuser takes a namespace over (Quay's {@code takeownership}): joins an admin team of an organization, or
     * turns a user into an organization administered by the superuser. Returns whether it was a user.
     */
    public Future<Boolean> takeOwnership(Identity superuser, String namespace, String ip) {
        return pool.withTransaction(tx -> accounts.findByUsername(tx, namespace).compose(ns -> {
                    if (ns == null || ns.isRobot()) {
                        return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
                    }
                    if (ns.id() == superuser.accountId()) {
                        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                                "Cannot take ownership of your own account"));
                    }
                    return (ns.isUser() ? convert(tx, ns, superuser) : joinAdmins(tx, ns, superuser)).map(ns);
                }))
                .onSuccess(ns -> usage.log("take_ownership", superuser.accountId(), superuser, null, ip, new JsonObject()
                        .put("entity_id", ns.id()).put("namespace", namespace).put("was_user", ns.isUser())
                        .put("superuser", superuser.username())))
                .map(Account::isUser);
    }

    /**
     * Turns the user into an organization with {@code admin} in its {@code owners} team, inside the caller's
     * transaction; everything the user could log in with (password, sessions, tokens) stops working. Used by a
     * superuser's take-over and by the user's own account conversion ({@code POST /api/v1/user/convert}).
     */
    public Future<Void> convert(SqlClient tx, Account user, Identity admin) {
        return accounts.convertToOrganization(tx, user.id())
                .compose(v -> sessions.endOthers(tx, user.id(), null))
                .compose(v -> tokens.revokeAll(tx, user.id()))
                .compose(v -> organizations.insertTeam(tx, user.id(), "owners", "admin", ""))
                .compose(team -> organizations.addMember(tx, team, admin.accountId()))
                .mapEmpty();
    }

    private Future<Void> joinAdmins(SqlClient tx, Account org, Identity admin) {
        return organizations.adminTeam(tx, org.id())
                .compose(team -> team != null ? Future.succeededFuture(team)
                        : organizations.insertTeam(tx, org.id(), "owners", "admin", ""))
                .compose(team -> organizations.addMember(tx, team, admin.accountId()))
                .mapEmpty();
    }
}
