package io.berth.registry.repo;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** Creating, changing and deleting repositories, with the permission check and the usage-log entry for each. */
public final class RepositoryService {
    private final Pool pool;
    private final RepositoryRepository repositories;
    private final AccountRepository accounts;
    private final PermissionService permissions;
    private final Authorizer authorizer;
    private final UsageLogger usage;

    public RepositoryService(Pool pool, RepositoryRepository repositories, AccountRepository accounts,
                             PermissionService permissions, Authorizer authorizer, UsageLogger usage) {
        this.pool = pool;
        this.repositories = repositories;
        this.accounts = accounts;
        this.permissions = permissions;
        this.authorizer = authorizer;
        this.usage = usage;
    }

    public Future<RepositoryRecord> find(RepositoryName name) {
        return repositories.find(pool, name.namespace(), name.name());
    }

    /** The repository with the caller's role on it; null repository when it does not exist. */
    public record Access(RepositoryRecord repository, Role role) {}

    public Future<Access> access(Identity who, RepositoryName name) {
        return find(name).compose(repo -> repo == null
                ? Future.succeededFuture(new Access(null, Role.NONE))
                : authorizer.role(pool, who, repo).map(role -> new Access(repo, role)));
    }

    /**
     * The repository with the caller's role, for an /api/v1 call that needs {@code needed} and the OAuth
     * {@code scope}, failing as Quay does: a caller who cannot read it gets 401 (anonymous) or 403 whether or not it
     * exists; one who can read but needs more gets 403; missing → 404 only to callers who could have seen it (the
     * namespace's owner and administrators).
     */
    public Future<Access> authorize(Identity who, String namespace, String name, Role needed, String scope) {
        RepositoryName path;
        try {
            path = new RepositoryName(namespace, name);
        } catch (BerthException e) {
            return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Repository not found"));
        }
        return access(who, path).compose(a -> {
            boolean scoped = who.anonymous() || who.hasScope(scope);
            if (a.repository() != null && a.role().atLeast(needed) && scoped) return Future.succeededFuture(a);
            if (who.anonymous()) return Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication"));
            Future<Boolean> seesNamespace = a.repository() != null ? Future.succeededFuture(false)
                    : who.username().equals(namespace) ? Future.succeededFuture(true)
                    : authorizer.administersNamespace(pool, who, namespace);
            return seesNamespace.compose(sees -> Future.failedFuture(sees
                    ? new BerthException(ErrorCode.NOT_FOUND, "Repository not found")
                    : new BerthException(ErrorCode.DENIED, "Unauthorized")));
        });
    }

    /** The account (user or organization) a repository belongs to. */
    public Future<Account> namespace(RepositoryRecord repo) {
        return accounts.findById(pool, repo.namespaceId());
    }

    /**
     * Creates a repository. When {@code ifMissing} is set, an existing one is returned instead of an error (the
     * push-creates path, where two concurrent pushes may race).
     */
    public Future<RepositoryRecord> create(Identity who, RepositoryName name, String visibility, String description,
                                           boolean ifMissing, String ip) {
        return authorizer.canCreateIn(pool, who, name.namespace()).compose(allowed -> {
            if (!allowed) return Future.failedFuture(new BerthException(ErrorCode.DENIED, "Unauthorized"));
            return pool.withTransaction(tx -> accounts.findByUsername(tx, name.namespace()).compose(ns -> {
                if (ns == null || ns.isRobot()) {
                    return Future.failedFuture(new BerthException(ErrorCode.NAME_UNKNOWN, "namespace not found"));
                }
                return repositories.insert(tx, ns.id(), name.name(), visibility, description).compose(id -> {
                    if (id == null) {
                        if (ifMissing) return repositories.find(tx, name.namespace(), name.name());
                        return Future.failedFuture(new BerthException(ErrorCode.CONFLICT, "Repository already exists"));
                    }
                    return permissions.onRepositoryCreated(tx, who, ns, id)
                            .compose(v -> repositories.findById(tx, id)).onSuccess(repo ->
                            usage.log("create_repo", ns.id(), who, id, ip, new JsonObject()
                                    .put("repo", name.name()).put("namespace", name.namespace())));
                });
            }));
        });
    }

    /** Repositories the caller may read (every one for a superuser), by path after {@code last}. */
    public Future<java.util.List<RepositoryRecord>> listReadable(Identity who, boolean includePublic, String last,
                                                                 int limit) {
        return repositories.listReadable(pool, who.anonymous() ? null : who.accountId(), includePublic,
                authorizer.isSuperUser(who), last, limit);
    }

    /** A namespace's repositories the caller may read (public ones, and private ones it holds a role on), by id. */
    public Future<java.util.List<RepositoryRecord>> listNamespace(Identity who, String namespace, int limit) {
        return repositories.listNamespace(pool, namespace, who.anonymous() ? null : who.accountId(), 0, limit);
    }

    /** Explore: public repositories matching {@code text} in name or description ("" matches all), by path. */
    public Future<java.util.List<RepositoryRecord>> explore(String text, String afterPath, int limit) {
        return repositories.searchPublic(pool, text, afterPath == null ? "" : afterPath, limit);
    }

    public Future<Void> setDescription(Identity who, RepositoryRecord repo, String description, String ip) {
        return repositories.setDescription(pool, repo.id(), description).onSuccess(v ->
                usage.log("set_repo_description", repo.namespaceId(), who, repo.id(), ip, new JsonObject()
                        .put("repo", repo.name()).put("namespace", repo.namespace()).put("description", description)));
    }

    public Future<Void> setVisibility(Identity who, RepositoryRecord repo, String visibility, String ip) {
        return repositories.setVisibility(pool, repo.id(), visibility).onSuccess(v ->
                usage.log("change_repo_visibility", repo.namespaceId(), who, repo.id(), ip, new JsonObject()
                        .put("repo", repo.name()).put("namespace", repo.namespace()).put("visibility", visibility)));
    }

    public Future<Void> delete(Identity who, RepositoryRecord repo, String ip) {
        return repositories.delete(pool, repo.id()).onSuccess(v ->
                usage.log("delete_repo", repo.namespaceId(), who, repo.id(), ip, new JsonObject()
                        .put("repo", repo.name()).put("namespace", repo.namespace())));
    }
}
