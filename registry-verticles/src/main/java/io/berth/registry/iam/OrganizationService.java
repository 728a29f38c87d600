package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Organizations: creation (the creator becomes a member of the admin team {@code owners}), the view, settings,
 * members and collaborators, and converting a user into an organization. Every organization keeps at least one user
 * in an admin team.
 */
public final class OrganizationService {

    private final BerthConfig config;
    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final PermissionRepository permissions;
    private final Authorizer authorizer;
    private final CredentialService credentials;
    private final NamespaceService namespaces;
    private final UsageLogger usage;

    public OrganizationService(BerthConfig config, Pool pool, AccountRepository accounts,
                               OrganizationRepository organizations, PermissionRepository permissions,
                               Authorizer authorizer, CredentialService credentials, NamespaceService namespaces,
                               UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.permissions = permissions;
        this.authorizer = authorizer;
        this.credentials = credentials;
        this.namespaces = namespaces;
        this.usage = usage;
    }

    /** A team as the organization view shows it; {@code canView} whether the caller may see its members. */
    public record TeamEntry(OrganizationRepository.TeamSummary summary, boolean canView) {}

    /** What the caller may see of an organization; {@code teams} null unless the caller is a member. */
    public record View(Account organization, OrganizationRepository.Settings settings, boolean admin, boolean member,
                       List<TeamEntry> teams) {}

    /** A member or collaborator: the teams it is in and the repositories it holds direct permissions on. */
    public record Member(Account account, List<String> teams, List<String> repositories) {}

    /**
     * The settings {@code PUT /api/v1/organization/<org>} may change; null fields stay as they are.
     * {@code tagExpirationS} is the time-machine window of the organization's removed tags.
     */
    public record Changes(String email, Boolean invoiceEmail, String invoiceEmailAddress, Long tagExpirationS) {}

    public Future<Account> create(Identity creator, String name, String email, String ip) {
        if (creator.anonymous() || creator.robot()) return Future.failedFuture(Authorizer.refusal(creator));
        if (!RepositoryName.validNamespace(name)) {
            return Fail.invalid("Invalid organization name " + name
                    + ": must be 2-255 characters of a-z, 0-9 and . _ - between them");
        }
        if (email != null && !UserService.validEmail(email)) return Fail.invalid("Invalid email address");
        return pool.withTransaction(tx -> accounts.findById(tx, creator.accountId()).compose(user -> {
                    if (email != null && user != null && email.equalsIgnoreCase(user.email())) {
                        return Fail.invalid("The organization's e-mail must differ from yours");
                    }
                    return organizations.insert(tx, name, email, config.defaultTagExpiration().toSeconds());
                }).compose(orgId -> {
                    if (orgId == null) return Fail.invalid("A user or organization with this name already exists");
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
    /** The organizations the caller belongs to, for its user view. */
    public Future<List<OrganizationRepository.Membership>> memberships(Identity who) {
        if (who.anonymous() || who.robot()) return Future.succeededFuture(List.of());
        return organizations.memberships(pool, who.accountId());
    }

    public Future<Account> find(String name) {
        return accounts.findByUsername(pool, name).compose(account -> account == null || !account.isOrganization()
                ? Fail.notFound("Not Found") : Future.succeededFuture(account));
    }

    /**
     * The organization the caller administers: 401 for anonymous callers, 403 for everyone else who does not
     * administer it (whether or not it exists, so that nothing is learnt), 404 when the name is a user's.
     */
    public Future<Account> administered(Identity who, String name) {
        return authorizer.requireAdministers(pool, who, name).compose(v -> find(name));
    }

    public Future<View> view(Identity who, String name) {
        return find(name).compose(org -> Future.all(
                        authorizer.administersNamespace(pool, who, name),
                        authorizer.isOrganizationMember(pool, who, org.id()),
                        organizations.settings(pool, org.id()),
                        organizations.teams(pool, org.id()),
                        who.anonymous() ? Future.succeededFuture(List.<OrganizationRepository.Team>of())
                                : organizations.teamsOf(pool, org.id(), who.accountId()))
                .map(all -> {
                    boolean admin = all.resultAt(0);
                    boolean member = admin || all.<Boolean>resultAt(1);
                    if (!member) return new View(org, all.resultAt(2), false, false, null);
                    List<OrganizationRepository.Team> mine = all.resultAt(4);
                    List<OrganizationRepository.TeamSummary> teams = all.resultAt(3);
                    return new View(org, all.resultAt(2), admin, true, teams.stream()
                            .map(t -> new TeamEntry(t, admin || mine.stream().anyMatch(m -> m.id() == t.team().id())))
                            .toList());
                }));
    }

    public Future<View> update(Identity who, String name, Changes changes, String ip) {
        if (changes.email() != null && !UserService.validEmail(changes.email())) {
            return Fail.invalid("Invalid email address");
        }
        String invoiceAddress = changes.invoiceEmailAddress();
        if (invoiceAddress != null && !invoiceAddress.isEmpty() && !UserService.validEmail(invoiceAddress)) {
            return Fail.invalid("Invalid invoice email address");
        }
        return administered(who, name)
                .compose(org -> pool.withTransaction(tx -> organizations.settings(tx, org.id())
                                .compose(before -> organizations.update(tx, org.id(), changes.email(),
                                        changes.invoiceEmail(), invoiceAddress).map(before))
                                .compose(before -> changes.tagExpirationS() == null ? Future.succeededFuture(before)
                                        : namespaces.setTagExpiration(tx, org, changes.tagExpirationS()).map(before)))
                        .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err)
                                ? new BerthException(ErrorCode.INVALID_REQUEST, "E-mail address already used") : err))
                        .onSuccess(before -> logChanges(who, org, before, changes, ip)))
                .compose(v -> view(who, name));
    }

    private void logChanges(Identity who, Account org, OrganizationRepository.Settings before, Changes changes,
                            String ip) {
        if (changes.tagExpirationS() != null) namespaces.logTagExpiration(who, org, changes.tagExpirationS(), ip);
        if (changes.email() != null && !changes.email().equals(org.email())) {
            usage.log("org_change_email", org.id(), who, null, ip, new JsonObject()
                    .put("email", changes.email()).put("old_email", org.email()));
        }
        boolean invoiceChanged = changes.invoiceEmail() != null && changes.invoiceEmail() != before.invoiceEmail()
                || changes.invoiceEmailAddress() != null
                && !changes.invoiceEmailAddress().equals(before.invoiceEmailAddress());
        if (invoiceChanged) {
            usage.log("org_change_invoicing", org.id(), who, null, ip, new JsonObject()
                    .put("invoice_email", Objects.requireNonNullElse(changes.invoiceEmail(), before.invoiceEmail()))
                    .put("invoice_email_address", Objects.requireNonNullElse(changes.invoiceEmailAddress(),
                            Objects.requireNonNullElse(before.invoiceEmailAddress(), ""))));
        }
    }

    /** The organization's members (users in any of its teams; robots are left out, as in Quay). */
    public Future<List<Member>> members(Identity who, String name) {
        return administered(who, name).compose(org -> Future.all(organizations.members(pool, org.id()),
                        permissions.directRepositoriesIn(pool, org.id()))
                .map(all -> {
                    Map<Account, List<String>> teams = all.resultAt(0);
                    Map<Long, List<String>> repositories = all.resultAt(1);
                    var out = new ArrayList<Member>();
                    teams.forEach((account, names) -> {
                        if (account.isUser()) {
                            out.add(new Member(account, names, repositories.getOrDefault(account.id(), List.of())));
                        }
                    });
                    return out;
                }));
    }

    /** Users with direct permissions on the organization's repositories who are in none of its teams. */
    public Future<List<Member>> collaborators(Identity who, String name) {
        return administered(who, name).compose(org -> permissions.collaborators(pool, org.id()))
                .map(found -> found.entrySet().stream()
                        .map(e -> new Member(e.getKey(), List.of(), e.getValue())).toList());
    }

    /** One member: a user or robot in a team of the organization, or one of its robots; 404 otherwise. */
    public Future<Member> member(Identity who, String name, String memberName) {
        return administered(who, name).compose(org -> accounts.findByUsername(pool, memberName).compose(account -> {
            if (account == null || account.isOrganization()) return Fail.notFound("Member not found");
            return Future.all(organizations.teamsOf(pool, org.id(), account.id()),
                            permissions.directRepositoriesIn(pool, org.id()))
                    .compose(all -> {
                        List<OrganizationRepository.Team> teams = all.resultAt(0);
                        Map<Long, List<String>> repositories = all.resultAt(1);
                        boolean ownRobot = account.isRobot() && Objects.equals(account.ownerId(), org.id());
                        if (teams.isEmpty() && !ownRobot) return Fail.notFound("Member not found");
                        return Future.succeededFuture(new Member(account,
                                teams.stream().map(OrganizationRepository.Team::name).toList(),
                                repositories.getOrDefault(account.id(), List.of())));
                    });
        }));
    }

    /**
     * Removes a member or collaborator from every team of the organization and drops its direct permissions on the
     * organization's repositories, unless that would leave the organization without an admin.
     */
    public Future<Void> removeMember(Identity who, String name, String memberName, String ip) {
        return administered(who, name).compose(org -> accounts.findByUsername(pool, memberName).compose(account -> {
            if (account == null || account.isOrganization()) return Fail.notFound("Member not found");
            return pool.withTransaction(tx -> organizations.lock(tx, org.id())
                    .compose(v -> Future.all(organizations.removeFromAllTeams(tx, org.id(), account.id()),
                            permissions.deleteAccountRolesIn(tx, org.id(), account.id())))
                    .compose(all -> keepsAnAdmin(tx, org, "Cannot remove user as they are the only organization admin")
                            .map(all)))
                    .compose(all -> {
                        List<String> teams = all.resultAt(0);
                        List<PermissionRepository.RepositoryRef> repositories = all.resultAt(1);
                        if (teams.isEmpty() && repositories.isEmpty()) return Fail.notFound("Member not found");
                        teams.forEach(team -> usage.log("org_remove_team_member", org.id(), who, null, ip,
                                new JsonObject().put("member", memberName).put("team", team)));
                        repositories.forEach(repo -> usage.log("delete_repo_permission", org.id(), who, repo.id(), ip,
                                new JsonObject().put("username", memberName).put("repo", repo.name())
                                        .put("namespace", org.username())));
                        return Future.succeededFuture();
                    });
        }));
    }

    /**
     * Fails with {@code message} unless the organization still has a user in an admin team; run inside the
     * transaction that changed its teams, after the change, so that the change rolls back.
     */
    Future<Void> keepsAnAdmin(SqlClient tx, Account org, String message) {
        return organizations.adminUserCount(tx, org.id()).compose(n -> n > 0 ? Future.succeededFuture()
                : Fail.invalid(message));
    }

    /**
     * Quay's account-type change: the calling user becomes an organization nobody can sign in as, administered by
     * another existing user whose credentials the caller supplies. The account must not be in any organization; its
     * direct repository permissions elsewhere, sessions and tokens end (see {@link NamespaceService#convert}).
     */
    public Future<Void> convert(Identity who, String adminUser, String adminPassword, String ip) {
        return authorizer.requireOwnAccount(who)
                .compose(v -> credentials.password(adminUser, adminPassword))
                .compose(login -> {
                    if (login.throttled() != null) return Future.failedFuture(login.throttled());
                    if (!login.ok()) return Fail.invalid("The admin user credentials are not valid");
                    Identity admin = login.identity();
                    if (admin.accountId().equals(who.accountId())) return Fail.invalid("The admin user is not valid");
                    return pool.withTransaction(tx -> organizations.membershipCount(tx, who.accountId())
                            .compose(memberships -> memberships > 0
                                    ? Fail.<Account>invalid("Cannot convert an account that is a member of an"
                                            + " organization; leave every organization first")
                                    : accounts.findById(tx, who.accountId()))
                            .compose(user -> user != null && user.isUser() ? namespaces.convert(tx, user, admin)
                                    : Fail.invalid("Only a user can be converted into an organization")));
                })
                .onSuccess(v -> usage.log("account_convert", who.accountId(), who, null, ip,
                        new JsonObject().put("admin_user", adminUser)));
    }
}
