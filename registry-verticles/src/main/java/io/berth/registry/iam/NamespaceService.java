package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.Sessions;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigLoader;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Whole namespaces: deleting a user or an organization with everything it owns, a superuser taking one over, and the
 * time-machine window of removed tags ({@code tag_expiration_s}) that users and organizations share, which they may
 * change only while {@code FEATURE_CHANGE_TAG_EXPIRATION} is on.
 * {@link #delete} and {@link #takeOwnership} leave the permission check to their callers (the user itself, a
 * superuser); {@link #deleteOrganization} makes its own.
 */
public final class NamespaceService {
    /** {@code TAG_EXPIRATION_OPTIONS} in seconds, shortest first. */
    private final List<Long> tagExpirationOptions;
    private final boolean tagExpirationChangeable;
    private final Pool pool;
    private final Authorizer authorizer;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final OAuthTokens tokens;
    private final Sessions sessions;
    private final UsageLogger usage;

    public NamespaceService(BerthConfig config, Pool pool, Authorizer authorizer, AccountRepository accounts,
                            OrganizationRepository organizations, OAuthTokens tokens, Sessions sessions,
                            UsageLogger usage) {
        this.tagExpirationOptions = config.tagExpirationOptions().stream()
                .map(o -> ConfigLoader.parseDuration(o).toSeconds()).distinct().sorted().toList();
        this.tagExpirationChangeable = config.featureChangeTagExpiration();
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

    /**
     * The organizations whose only admin the user is, by name: {@link #delete} refuses the user while there are any
     * (the settings page names them beforehand).
     */
    public Future<List<String>> solelyAdministered(Account user) {
        return organizations.solelyAdministeredBy(pool, user.id());
    }

    /** {@code DELETE /api/v1/organization/<org>}: by one of its admins. */
    public Future<Void> deleteOrganization(Identity who, String name, String ip) {
        return authorizer.requireAdministers(pool, who, name)
                .compose(v -> accounts.findByUsername(pool, name))
                .compose(org -> org == null || !org.isOrganization()
                        ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                        : delete(who, org, false, ip));
    }

    /** The time-machine windows a namespace may choose ({@code TAG_EXPIRATION_OPTIONS}), in seconds, shortest first. */
    public List<Long> tagExpirationOptions() {
        return tagExpirationOptions;
    }

    /** Whether users and organizations may change their time-machine window ({@code FEATURE_CHANGE_TAG_EXPIRATION}). */
    public boolean tagExpirationChangeable() {
        return tagExpirationChangeable;
    }

    /**
     * The {@code tag_expiration_s} of a user or organization update body: null when absent, a 400 when it is not a
     * whole number of seconds.
     */
    public static Long tagExpirationOf(JsonObject body) {
        if (!body.containsKey("tag_expiration_s")) return null;
        if (body.getValue("tag_expiration_s") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw invalidTagExpiration();
    }

    /**
     * Sets how long a user's or organization's removed tags stay restorable, in the caller's transaction: one of
     * {@code TAG_EXPIRATION_OPTIONS}, else a 400. Log it with {@link #logTagExpiration} once committed. With
     * {@code FEATURE_CHANGE_TAG_EXPIRATION} off it is a 400 as well (Quay ignores the value silently instead; a client
     * is better told that its change did not happen).
     */
    public Future<Void> setTagExpiration(SqlClient tx, Account namespace, long seconds) {
        if (!tagExpirationChangeable) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                    "The administrator has disabled changing the time machine window"));
        }
        if (!tagExpirationOptions.contains(seconds)) return Future.failedFuture(invalidTagExpiration());
        return accounts.setTagExpiration(tx, namespace.id(), seconds);
    }

    /** The usage-log entry of a changed window: {@code user_change_tag_expiration} or {@code org_change_tag_expiration}. */
    public void logTagExpiration(Identity who, Account namespace, long seconds, String ip) {
        usage.log(namespace.isOrganization() ? "org_change_tag_expiration" : "user_change_tag_expiration",
                namespace.id(), who, null, ip, new JsonObject().put("tag_expiration", seconds)
                        .put(namespace.isOrganization() ? "namespace" : "username", namespace.username()));
    }

    private static BerthException invalidTagExpiration() {
        return new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag expiration option");
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
