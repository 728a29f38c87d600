package io.berth.registry.iam;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** SQL for organizations and their teams. */
public final class OrganizationRepository {

    /** Inserts the organization account, or returns null when the name is taken by any account. */
    public Future<Long> insert(SqlClient db, String name, String email, long removedTagExpirationS) {
        return db.preparedQuery("""
                        INSERT INTO account (uuid, username, email, kind, removed_tag_expiration_s)
                        VALUES ($1, $2, $3, 'organization', $4)
                        ON CONFLICT (username) DO NOTHING
                        RETURNING id""")
                .execute(Tuple.of(UUID.randomUUID(), name, email, removedTagExpirationS))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    public Future<Long> insertTeam(SqlClient db, long organizationId, String name, String role, String description) {
        return db.preparedQuery("""
                        INSERT INTO team (organization_id, name, role, description) VALUES ($1, $2, $3, $4)
                        RETURNING id""")
                .execute(Tuple.of(organizationId, name, role, description))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<Void> addMember(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("INSERT INTO team_member (team_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(teamId, accountId)).mapEmpty();
    }

    /** The strongest team role the account holds in the organization: admin, creator, member, or null. */
    public Future<String> strongestRole(SqlClient db, long organizationId, long accountId) {
        return db.preparedQuery("""
                        SELECT t.role FROM team t JOIN team_member m ON m.team_id = t.id
                        WHERE t.organization_id = $1 AND m.account_id = $2
                        ORDER BY CASE t.role WHEN 'admin' THEN 0 WHEN 'creator' THEN 1 ELSE 2 END
                        LIMIT 1""")
                .execute(Tuple.of(organizationId, accountId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }
}
