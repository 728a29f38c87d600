package io.berth.registry.iam;

import io.berth.model.iam.Role;
import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL for permissions: the roles users, robots and teams hold on repositories, and organizations' default permissions
 * (prototypes) that grant such roles on repositories created later.
 */
public final class PermissionRepository {

    /**
     * A direct permission of an account; {@code organizationMember} whether it is in a team of the namespace, null
     * when the namespace is no organization.
     */
    public record AccountGrant(Account account, Role role, Boolean organizationMember) {}

    /** A role on a repository, for listings of what a team or robot may do. */
    public record RepositoryGrant(String namespace, String repository, boolean isPublic, Role role) {}

    /** A repository by id and name (within a known namespace). */
    public record RepositoryRef(long id, String name) {}

    /** Who a prototype names: a user or robot (with e-mail for its avatar), or a team. */
    public record Party(String name, String email, String kind, boolean organizationMember) {}

    /** A default permission; {@code activating} null when it applies whoever creates the repository. */
    public record Prototype(long id, UUID uuid, Role role, Party activating, Party delegate) {}

    private static final String RANK = "CASE role WHEN 'admin' THEN 3 WHEN 'write' THEN 2 WHEN 'read' THEN 1 END";

    /**
     * The account's role on the repository from every source at once: its direct permission, its teams' permissions,
     * and the admin role of the namespace organization's admin teams.
     */
    public Future<Role> effectiveRole(SqlClient db, long repositoryId, long namespaceId, long accountId) {
        return db.preparedQuery("SELECT max(" + RANK + ") FROM (" + """
                        SELECT role FROM repository_permission WHERE repository_id = $1 AND account_id = $3
                        UNION ALL
                        SELECT p.role FROM team_repository_permission p JOIN team_member m ON m.team_id = p.team_id
                        WHERE p.repository_id = $1 AND m.account_id = $3
                        UNION ALL
                        SELECT 'admin' FROM team t JOIN team_member m ON m.team_id = t.id
                        WHERE t.organization_id = $2 AND t.role = 'admin' AND m.account_id = $3
                        ) roles""")
                .execute(Tuple.of(repositoryId, namespaceId, accountId))
                .map(rows -> {
                    Integer rank = rows.iterator().next().getInteger(0);
                    return rank == null ? Role.NONE : Role.values()[rank];
                });
    }

    /** The roles the account holds on the repository directly and through its teams (not through administration). */
    public Future<List<Role>> grantedRoles(SqlClient db, long repositoryId, long accountId) {
        return db.preparedQuery("""
                        SELECT role FROM repository_permission WHERE repository_id = $1 AND account_id = $2
                        UNION ALL
                        SELECT p.role FROM team_repository_permission p JOIN team_member m ON m.team_id = p.team_id
                        WHERE p.repository_id = $1 AND m.account_id = $2""")
                .execute(Tuple.of(repositoryId, accountId))
                .map(rows -> Sql.list(rows, r -> Role.granted(r.getString(0))));
    }

    /** Sets the account's direct role; true when it had none before. */
    public Future<Boolean> setAccountRole(SqlClient db, long repositoryId, long accountId, Role role) {
        return setRole(db, "repository_permission", "account_id", repositoryId, accountId, role);
    }

    public Future<Boolean> deleteAccountRole(SqlClient db, long repositoryId, long accountId) {
        return deleteRole(db, "repository_permission", "account_id", repositoryId, accountId);
    }

    /** Drops every direct permission the account holds on repositories of the namespace; returns those repositories. */
    public Future<List<RepositoryRef>> deleteAccountRolesIn(SqlClient db, long namespaceId, long accountId) {
        return db.preparedQuery("""
                        DELETE FROM repository_permission p USING repository r
                        WHERE r.id = p.repository_id AND r.namespace_id = $1 AND p.account_id = $2
                        RETURNING r.id, r.name""")
                .execute(Tuple.of(namespaceId, accountId))
                .map(rows -> Sql.list(rows, r -> new RepositoryRef(r.getLong(0), r.getString(1))));
    }

    /** The repository's direct account permissions by name. */
    public Future<List<AccountGrant>> accountGrants(SqlClient db, long repositoryId, long namespaceId) {
        return db.preparedQuery("SELECT " + AccountRepository.columns("a") + """
                        , p.role, CASE WHEN ns.kind = 'organization' THEN
                                      EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                                              WHERE t.organization_id = ns.id AND m.account_id = a.id) END
                        FROM repository_permission p JOIN account a ON a.id = p.account_id
                        JOIN account ns ON ns.id = $2
                        WHERE p.repository_id = $1 ORDER BY a.username""")
                .execute(Tuple.of(repositoryId, namespaceId))
                .map(rows -> Sql.list(rows, r -> new AccountGrant(AccountRepository.map(r), Role.granted(r.getString(11)),
                        r.getBoolean(12))));
    }

    /** Sets the team's role; true when it had none before. */
    public Future<Boolean> setTeamRole(SqlClient db, long repositoryId, long teamId, Role role) {
        return setRole(db, "team_repository_permission", "team_id", repositoryId, teamId, role);
    }

    public Future<Boolean> deleteTeamRole(SqlClient db, long repositoryId, long teamId) {
        return deleteRole(db, "team_repository_permission", "team_id", repositoryId, teamId);
    }

    /** Upserts a role in one of the two permission tables; true when the holder had none before. */
    private static Future<Boolean> setRole(SqlClient db, String table, String holder, long repositoryId, long holderId,
                                           Role role) {
        return db.preparedQuery("""
                        INSERT INTO %1$s (repository_id, %2$s, role) VALUES ($1, $2, $3)
                        ON CONFLICT (repository_id, %2$s) DO UPDATE SET role = excluded.role
                        RETURNING xmax = 0""".formatted(table, holder))
                .execute(Tuple.of(repositoryId, holderId, role.apiName()))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static Future<Boolean> deleteRole(SqlClient db, String table, String holder, long repositoryId,
                                              long holderId) {
        return db.preparedQuery("DELETE FROM %s WHERE repository_id = $1 AND %s = $2".formatted(table, holder))
                .execute(Tuple.of(repositoryId, holderId)).map(rows -> rows.rowCount() == 1);
    }

    /** The repository's team permissions by team name. */
    public Future<Map<String, Role>> teamGrants(SqlClient db, long repositoryId) {
        return db.preparedQuery("""
                        SELECT t.name, p.role FROM team_repository_permission p JOIN team t ON t.id = p.team_id
                        WHERE p.repository_id = $1 ORDER BY t.name""")
                .execute(Tuple.of(repositoryId))
                .map(rows -> {
                    var out = new java.util.LinkedHashMap<String, Role>();
                    rows.forEach(r -> out.put(r.getString(0), Role.granted(r.getString(1))));
                    return out;
                });
    }

    /** The repositories a team holds a role on, by name. */
    public Future<List<RepositoryGrant>> ofTeam(SqlClient db, long teamId) {
        return db.preparedQuery("""
                        SELECT a.username, r.name, r.visibility = 'public', p.role
                        FROM team_repository_permission p JOIN repository r ON r.id = p.repository_id
                        JOIN account a ON a.id = r.namespace_id
                        WHERE p.team_id = $1 ORDER BY r.name""")
                .execute(Tuple.of(teamId)).map(PermissionRepository::repositoryGrants);
    }

    /** The repositories an account holds a direct role on, by name. */
    public Future<List<RepositoryGrant>> ofAccount(SqlClient db, long accountId) {
        return db.preparedQuery("""
                        SELECT a.username, r.name, r.visibility = 'public', p.role
                        FROM repository_permission p JOIN repository r ON r.id = p.repository_id
                        JOIN account a ON a.id = r.namespace_id
                        WHERE p.account_id = $1 ORDER BY a.username, r.name""")
                .execute(Tuple.of(accountId)).map(PermissionRepository::repositoryGrants);
    }

    /** For every account with direct permissions on the namespace's repositories: those repositories' names. */
    public Future<Map<Long, List<String>>> directRepositoriesIn(SqlClient db, long namespaceId) {
        return db.preparedQuery("""
                        SELECT p.account_id, array_agg(r.name ORDER BY r.name)
                        FROM repository_permission p JOIN repository r ON r.id = p.repository_id
                        WHERE r.namespace_id = $1 GROUP BY p.account_id""")
                .execute(Tuple.of(namespaceId))
                .map(rows -> {
                    var out = new HashMap<Long, List<String>>();
                    rows.forEach(r -> out.put(r.getLong(0), List.of(r.getArrayOfStrings(1))));
                    return out;
                });
    }

    /**
     * Users (not robots) who hold direct permissions on the organization's repositories without being in any of its
     * teams, each with those repositories' names.
     */
    public Future<Map<Account, List<String>>> collaborators(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT " + AccountRepository.columns("a") + """
                        , array_agg(r.name ORDER BY r.name)
                        FROM repository_permission p JOIN repository r ON r.id = p.repository_id
                        JOIN account a ON a.id = p.account_id
                        WHERE r.namespace_id = $1 AND a.kind = 'user'
                          AND NOT EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                                          WHERE t.organization_id = $1 AND m.account_id = a.id)
                        GROUP BY a.id ORDER BY a.username""")
                .execute(Tuple.of(organizationId))
                .map(rows -> {
                    var out = new java.util.LinkedHashMap<Account, List<String>>();
                    rows.forEach(r -> out.put(AccountRepository.map(r), List.of(r.getArrayOfStrings(11))));
                    return out;
                });
    }

    /** Adds a prototype; null when the same one (organization, activating user, delegate) exists. */
    public Future<Long> insertPrototype(SqlClient db, long organizationId, Long activatingUserId, Long delegateUserId,
                                        Long delegateTeamId, Role role) {
        return db.preparedQuery("""
                        INSERT INTO permission_prototype (uuid, organization_id, activating_user_id, delegate_user_id,
                                                          delegate_team_id, role)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id""")
                .execute(Tuple.of(UUID.randomUUID(), organizationId, activatingUserId, delegateUserId, delegateTeamId,
                        role.apiName()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    private static final String PROTOTYPE = """
            SELECT p.id, p.uuid, p.role,
                   au.username, au.email, au.kind,
                   EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                           WHERE t.organization_id = p.organization_id AND m.account_id = au.id),
                   du.username, du.email, du.kind,
                   EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                           WHERE t.organization_id = p.organization_id AND m.account_id = du.id),
                   dt.name
            FROM permission_prototype p
            LEFT JOIN account au ON au.id = p.activating_user_id
            LEFT JOIN account du ON du.id = p.delegate_user_id
            LEFT JOIN team dt ON dt.id = p.delegate_team_id
            """;

    public Future<List<Prototype>> prototypes(SqlClient db, long organizationId) {
        return db.preparedQuery(PROTOTYPE + " WHERE p.organization_id = $1 ORDER BY p.id")
                .execute(Tuple.of(organizationId)).map(rows -> Sql.list(rows, PermissionRepository::prototype));
    }

    public Future<Prototype> prototype(SqlClient db, long id) {
        return db.preparedQuery(PROTOTYPE + " WHERE p.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : prototype(rows.iterator().next()));
    }

    /** The id of the organization's prototype with this uuid, or null. */
    public Future<Long> findPrototype(SqlClient db, long organizationId, UUID uuid) {
        return db.preparedQuery("SELECT id FROM permission_prototype WHERE organization_id = $1 AND uuid = $2")
                .execute(Tuple.of(organizationId, uuid))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    public Future<Void> setPrototypeRole(SqlClient db, long id, Role role) {
        return db.preparedQuery("UPDATE permission_prototype SET role = $2 WHERE id = $1")
                .execute(Tuple.of(id, role.apiName())).mapEmpty();
    }

    public Future<Void> deletePrototype(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM permission_prototype WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    /**
     * Grants the organization's prototypes on a repository the creator just made there, as Quay does: for each
     * delegate, a prototype naming the creator as activating user wins over a general one; the creator itself is
     * skipped (it is admin already).
     */
    public Future<Void> applyPrototypes(SqlClient db, long organizationId, long repositoryId, long creatorId) {
        Tuple args = Tuple.of(organizationId, repositoryId, creatorId);
        return db.preparedQuery("""
                        INSERT INTO repository_permission (repository_id, account_id, role)
                        SELECT DISTINCT ON (delegate_user_id) $2, delegate_user_id, role FROM permission_prototype
                        WHERE organization_id = $1 AND delegate_user_id IS NOT NULL AND delegate_user_id <> $3
                          AND (activating_user_id IS NULL OR activating_user_id = $3)
                        ORDER BY delegate_user_id, activating_user_id NULLS LAST
                        ON CONFLICT DO NOTHING""")
                .execute(args)
                .compose(v -> db.preparedQuery("""
                                INSERT INTO team_repository_permission (repository_id, team_id, role)
                                SELECT DISTINCT ON (delegate_team_id) $2, delegate_team_id, role FROM permission_prototype
                                WHERE organization_id = $1 AND delegate_team_id IS NOT NULL
                                  AND (activating_user_id IS NULL OR activating_user_id = $3)
                                ORDER BY delegate_team_id, activating_user_id NULLS LAST
                                ON CONFLICT DO NOTHING""")
                        .execute(args))
                .mapEmpty();
    }

    private static Prototype prototype(Row r) {
        Party activating = r.getString(3) == null ? null
                : new Party(r.getString(3), r.getString(4), r.getString(5), r.getBoolean(6));
        Party delegate = r.getString(7) != null
                ? new Party(r.getString(7), r.getString(8), r.getString(9), r.getBoolean(10))
                : new Party(r.getString(11), null, "team", false);
        return new Prototype(r.getLong(0), r.getUUID(1), Role.granted(r.getString(2)), activating, delegate);
    }

    private static List<RepositoryGrant> repositoryGrants(RowSet<Row> rows) {
        return Sql.list(rows, r -> new RepositoryGrant(r.getString(0), r.getString(1), r.getBoolean(2),
                Role.granted(r.getString(3))));
    }
}
