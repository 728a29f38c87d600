package io.berth.registry.iam;

import io.berth.model.iam.Role;
import io.berth.registry.auth.Identity;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Repository permissions of users, robots and teams (quay-api.md §3.6) and organizations' default permissions
 * (§3.7). Callers of the repository-permission methods have established that the caller administers the repository
 * (through {@code RepositoryService.authorize}); the prototype methods check organization administration themselves.
 */
public final class PermissionService {
    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final PermissionRepository permissions;
    private final OrganizationService organizationService;
    private final UsageLogger usage;

    public PermissionService(Pool pool, AccountRepository accounts, OrganizationRepository organizations,
                             PermissionRepository permissions, OrganizationService organizationService,
                             UsageLogger usage) {
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.permissions = permissions;
        this.organizationService = organizationService;
        this.usage = usage;
    }

    /**
     * Inside the transaction that created a repository: its creator (when not the namespace itself) becomes admin,
     * and in an organization the default permissions apply.
     */
    public Future<Void> onRepositoryCreated(SqlClient tx, Identity creator, Account namespace, long repositoryId) {
        if (creator.accountId() == namespace.id()) return Future.succeededFuture();
        return permissions.setAccountRole(tx, repositoryId, creator.accountId(), Role.ADMIN)
                .compose(v -> namespace.isOrganization()
                        ? permissions.applyPrototypes(tx, namespace.id(), repositoryId, creator.accountId())
                        : Future.succeededFuture());
    }

    /** Direct permissions of users and robots; in a user namespace the owner comes first, always admin. */
    public Future<List<PermissionRepository.AccountGrant>> accountGrants(RepositoryRecord repo) {
        return Future.all(accounts.findById(pool, repo.namespaceId()),
                        permissions.accountGrants(pool, repo.id(), repo.namespaceId()))
                .map(all -> {
                    Account owner = all.resultAt(0);
                    var out = new ArrayList<PermissionRepository.AccountGrant>();
                    if (owner.isUser()) out.add(new PermissionRepository.AccountGrant(owner, Role.ADMIN, null));
                    out.addAll(all.<List<PermissionRepository.AccountGrant>>resultAt(1));
                    return out;
                });
    }

    public Future<PermissionRepository.AccountGrant> accountGrant(RepositoryRecord repo, String username) {
        return accountGrants(repo).compose(grants -> grants.stream()
                .filter(g -> g.account().username().equals(username)).findFirst()
                .map(Future::succeededFuture)
                .orElseGet(() -> Fail.notFound("User " + username + " has no permission on " + repo.path())));
    }

    public Future<PermissionRepository.AccountGrant> setAccountRole(Identity who, RepositoryRecord repo,
                                                                    String username, String roleName, String ip) {
        Role role = Role.granted(roleName);
        if (role == null) return invalidRole(roleName);
        if (username.equals(repo.namespace())) return Fail.invalid("Namespace owner must always be admin.");
        return grantee(repo, username).compose(account -> permissions.setAccountRole(pool, repo.id(), account.id(), role))
                .compose(created -> {
                    usage.log(created ? "add_repo_permission" : "change_repo_permission", repo.namespaceId(), who,
                            repo.id(), ip, new JsonObject().put("username", username).put("role", role.apiName())
                                    .put("repo", repo.name()).put("namespace", repo.namespace()));
                    return accountGrant(repo, username);
                });
    }

    public Future<Void> deleteAccountRole(Identity who, RepositoryRecord repo, String username, String ip) {
        if (username.equals(repo.namespace())) return Fail.invalid("Namespace owner must always be admin.");
        return accounts.findByUsername(pool, username).compose(account -> account == null
                        ? Fail.invalid("Invalid username: " + username)
                        : permissions.deleteAccountRole(pool, repo.id(), account.id()))
                .compose(deleted -> deleted ? Future.<Void>succeededFuture()
                        : Fail.invalid("User does not have permission for repo."))
                .onSuccess(v -> usage.log("delete_repo_permission", repo.namespaceId(), who, repo.id(), ip,
                        new JsonObject().put("username", username).put("repo", repo.name())
                                .put("namespace", repo.namespace())));
    }

    /** The roles a user or robot holds directly and through its teams; 404 when none. */
    public Future<List<Role>> transitive(RepositoryRecord repo, String username) {
        return accounts.findByUsername(pool, username).compose(account -> account == null
                        ? Future.succeededFuture(List.<Role>of())
                        : permissions.grantedRoles(pool, repo.id(), account.id()))
                .compose(roles -> roles.isEmpty() ? Fail.notFound("No permissions for " + username)
                        : Future.succeededFuture(roles));
    }

    public Future<Map<String, Role>> teamGrants(RepositoryRecord repo) {
        return permissions.teamGrants(pool, repo.id());
    }

    public Future<Role> teamGrant(RepositoryRecord repo, String teamName) {
        return teamGrants(repo).compose(grants -> grants.containsKey(teamName)
                ? Future.succeededFuture(grants.get(teamName))
                : Fail.notFound("Team " + teamName + " has no permission on " + repo.path()));
    }

    public Future<Role> setTeamRole(Identity who, RepositoryRecord repo, String teamName, String roleName, String ip) {
        Role role = Role.granted(roleName);
        if (role == null) return invalidRole(roleName);
        return team(repo, teamName).compose(team -> permissions.setTeamRole(pool, repo.id(), team.id(), role))
                .map(created -> {
                    usage.log(created ? "add_repo_permission" : "change_repo_permission", repo.namespaceId(), who,
                            repo.id(), ip, new JsonObject().put("team", teamName).put("role", role.apiName())
                                    .put("repo", repo.name()).put("namespace", repo.namespace()));
                    return role;
                });
    }

    public Future<Void> deleteTeamRole(Identity who, RepositoryRecord repo, String teamName, String ip) {
        return team(repo, teamName).compose(team -> permissions.deleteTeamRole(pool, repo.id(), team.id()))
                .compose(deleted -> deleted ? Future.<Void>succeededFuture()
                        : Fail.invalid("Team does not have permission for repo."))
                .onSuccess(v -> usage.log("delete_repo_permission", repo.namespaceId(), who, repo.id(), ip,
                        new JsonObject().put("team", teamName).put("repo", repo.name())
                                .put("namespace", repo.namespace())));
    }

    public Future<List<PermissionRepository.Prototype>> prototypes(Identity who, String org) {
        return organizationService.administered(who, org).compose(o -> permissions.prototypes(pool, o.id()));
    }

    /**
     * A new default permission: {@code delegateKind} user (a user, or a robot of the organization) or team, and
     * optionally the user whose new repositories alone it applies to.
     */
    public Future<PermissionRepository.Prototype> createPrototype(Identity who, String org, String roleName,
                                                                  String activatingName, String delegateName,
                                                                  String delegateKind, String ip) {
        Role role = Role.granted(roleName);
        if (role == null) return invalidRole(roleName);
        return organizationService.administered(who, org).compose(o -> Future.all(
                        activatingName == null ? Future.succeededFuture() : accounts.findByUsername(pool, activatingName),
                        delegate(o, delegateName, delegateKind))
                .compose(all -> {
                    Account activating = all.resultAt(0);
                    Delegate delegate = all.resultAt(1);
                    if (activatingName != null && (activating == null || activating.isOrganization())) {
                        return Fail.invalid("Unknown activating user");
                    }
                    if (delegate == null) return Fail.invalid("Missing delegate user or team");
                    return permissions.insertPrototype(pool, o.id(), activating == null ? null : activating.id(),
                            delegate.userId(), delegate.teamId(), role);
                })
                .compose(id -> id == null ? Fail.invalid("A default permission for this delegate already exists")
                        : permissions.prototype(pool, id))
                .onSuccess(p -> usage.log("create_prototype_permission", o.id(), who, null, ip, log(p))));
    }

    public Future<PermissionRepository.Prototype> updatePrototype(Identity who, String org, String id, String roleName,
                                                                  String ip) {
        Role role = Role.granted(roleName);
        if (role == null) return invalidRole(roleName);
        return prototype(who, org, id).compose(found -> permissions.setPrototypeRole(pool, found.prototype().id(), role)
                .compose(v -> permissions.prototype(pool, found.prototype().id()))
                .onSuccess(p -> usage.log("modify_prototype_permission", found.organization().id(), who, null, ip,
                        log(p).put("original_role", found.prototype().role().apiName()))));
    }

    public Future<Void> deletePrototype(Identity who, String org, String id, String ip) {
        return prototype(who, org, id).compose(found -> permissions.deletePrototype(pool, found.prototype().id())
                .onSuccess(v -> usage.log("delete_prototype_permission", found.organization().id(), who, null, ip,
                        log(found.prototype()))));
    }

    /** A prototype's delegate: exactly one of the two ids is set. */
    private record Delegate(Long userId, Long teamId) {}

    /** The delegate named, or null when there is no such user, robot of the organization, or team. */
    private Future<Delegate> delegate(Account org, String name, String kind) {
        if (name == null) return Future.succeededFuture(null);
        if ("team".equals(kind)) {
            return organizations.findTeam(pool, org.id(), name)
                    .map(team -> team == null ? null : new Delegate(null, team.id()));
        }
        if (!"user".equals(kind)) return Future.succeededFuture(null);
        return accounts.findByUsername(pool, name).map(account -> account == null || account.isOrganization()
                || account.isRobot() && !Objects.equals(account.ownerId(), org.id())
                ? null : new Delegate(account.id(), null));
    }

    private record Found(Account organization, PermissionRepository.Prototype prototype) {}

    private Future<Found> prototype(Identity who, String org, String id) {
        UUID wanted = Sql.uuidOrNull(id);
        return organizationService.administered(who, org).compose(o -> (wanted == null
                ? Future.<Long>succeededFuture(null) : permissions.findPrototype(pool, o.id(), wanted))
                .compose(pid -> pid == null ? Fail.<PermissionRepository.Prototype>notFound("Unknown permission prototype")
                        : permissions.prototype(pool, pid))
                .map(p -> new Found(o, p)));
    }

    /** A user or robot that may be granted a role on the repository: robots only within their own namespace. */
    private Future<Account> grantee(RepositoryRecord repo, String username) {
        return accounts.findByUsername(pool, username).compose(account -> {
            if (account == null || account.isOrganization()) return Fail.invalid("Invalid username: " + username);
            if (account.isRobot() && !Objects.equals(account.ownerId(), repo.namespaceId())) {
                return Fail.invalid("Cannot add robot " + username + " under namespace " + repo.namespace());
            }
            return Future.succeededFuture(account);
        });
    }

    private Future<OrganizationRepository.Team> team(RepositoryRecord repo, String teamName) {
        return organizations.findTeam(pool, repo.namespaceId(), teamName).compose(team -> team == null
                ? Fail.invalid("No team " + teamName + " in organization " + repo.namespace())
                : Future.succeededFuture(team));
    }

    private static JsonObject log(PermissionRepository.Prototype p) {
        var meta = new JsonObject().put("role", p.role().apiName()).put("id", p.uuid().toString());
        if (p.activating() != null) meta.put("activating_user", p.activating().name());
        meta.put(p.delegate().kind().equals("team") ? "delegate_team" : "delegate_user", p.delegate().name());
        return meta;
    }

    private static <T> Future<T> invalidRole(String roleName) {
        return Fail.invalid("Invalid role " + roleName + ": must be read, write or admin");
    }
}
