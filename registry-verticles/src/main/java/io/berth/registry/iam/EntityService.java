package io.berth.registry.iam;

import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The entity search behind the name pickers ({@code GET /api/v1/entities/<prefix>}, Quay's EntitySearch), for
 * signed-in callers: users by name prefix; the namespace's robots to those who may see them (a user its own, an
 * organization's members the organization's, as its robot list shows them); the organization's teams to its members;
 * the organization itself to its admins. An outsider of an organization learns nothing about it: no robots, no teams,
 * no membership flags.
 */
public final class EntityService {
    /** Quay's cap on the users and robots of one answer; teams have their own. */
    public static final int LIMIT = 10;

    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final Authorizer authorizer;

    public EntityService(Pool pool, AccountRepository accounts, OrganizationRepository organizations,
                         Authorizer authorizer) {
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.authorizer = authorizer;
    }

    /** What to search: {@code namespace} "" for users only. */
    public record Query(String prefix, String namespace, boolean includeTeams, boolean includeOrgs) {}

    /** One result; {@code kind} is user, robot, team or org; {@code organizationMember} null unless asked about. */
    public record Entity(String name, String kind, JsonObject avatar, Boolean organizationMember) {}

    /** What the caller may see of the query's namespace: whose robots, which organization's teams, and whether admin. */
    private record Visible(Account robotOwner, Account organization, boolean admin) {
        static final Visible NOTHING = new Visible(null, null, false);
    }

    /** Teams first, then users and robots, then the organization, as Quay lists them. */
    public Future<List<Entity>> search(Identity who, Query query) {
        if (who.anonymous()) return Future.failedFuture(Authorizer.refusal(who));
        // Quay drops spaces and searches in lower case: every name is lower case
        String prefix = query.prefix().replace(" ", "").toLowerCase(Locale.ROOT);
        if (prefix.isEmpty()) return Future.succeededFuture(List.of());
        Future<Account> namespace = query.namespace().isEmpty() ? Future.succeededFuture(null)
                : accounts.findByUsername(pool, query.namespace());
        return namespace.compose(ns -> visible(who, ns)).compose(visible -> {
            Account org = visible.organization();
            Account owner = visible.robotOwner();
            // a full robot name typed into the picker matches as well as its short name
            String robotPrefix = owner == null ? null
                    : prefix.startsWith(owner.username() + "+") ? prefix : owner.username() + "+" + prefix;
            Future<List<OrganizationRepository.Team>> teams = org != null && query.includeTeams()
                    ? organizations.matchingTeams(pool, org.id(), prefix, LIMIT)
                    : Future.succeededFuture(List.of());
            Future<List<AccountRepository.Match>> matches = accounts.matching(pool, prefix,
                    owner == null ? null : owner.id(), robotPrefix, org == null ? null : org.id(), LIMIT);
            return Future.all(teams, matches).map(all -> {
                var out = new ArrayList<Entity>();
                all.<List<OrganizationRepository.Team>>resultAt(0).forEach(t ->
                        out.add(new Entity(t.name(), "team", Avatar.of(t.name(), null, "team"), true)));
                all.<List<AccountRepository.Match>>resultAt(1).forEach(m -> out.add(new Entity(
                        m.account().username(), m.account().kind(), Avatar.of(m.account()), m.organizationMember())));
                if (query.includeOrgs() && visible.admin() && org.username().startsWith(prefix)) {
                    out.add(new Entity(org.username(), "org", Avatar.of(org), true));
                }
                return out;
            });
        });
    }

    private Future<Visible> visible(Identity who, Account ns) {
        if (ns == null || ns.isRobot()) return Future.succeededFuture(Visible.NOTHING);
        if (ns.isUser()) {
            boolean own = ns.id() == who.accountId() && authorizer.administersOwnAccount(who);
            return Future.succeededFuture(own ? new Visible(ns, null, false) : Visible.NOTHING);
        }
        return Future.all(authorizer.administersNamespace(pool, who, ns.username()),
                        authorizer.isOrganizationMember(pool, who, ns.id()))
                .map(all -> {
                    boolean admin = all.resultAt(0);
                    return admin || all.<Boolean>resultAt(1) ? new Visible(ns, ns, admin) : Visible.NOTHING;
                });
    }
}
