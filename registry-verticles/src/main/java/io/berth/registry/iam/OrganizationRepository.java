package io.berth.registry.iam;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
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

    /** One admin team of the organization (the oldest), or null when it has none. */
    public Future<Long> adminTeam(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT id FROM team WHERE organization_id = $1 AND role = 'admin' ORDER BY id LIMIT 1")
                .execute(Tuple.of(organizationId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** The organizations whose only admin (counting users, not robots) the user is, by name. */
    public Future<List<String>> solelyAdministeredBy(SqlClient db, long userId) {
        return db.preparedQuery("""
                        SELECT o.username FROM account o
                        WHERE o.kind = 'organization'
                          AND EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                                      WHERE t.organization_id = o.id AND t.role = 'admin' AND m.account_id = $1)
                          AND NOT EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                                          JOIN account u ON u.id = m.account_id
                                          WHERE t.organization_id = o.id AND t.role = 'admin' AND u.kind = 'user'
                                            AND m.account_id <> $1)
                        ORDER BY o.username""")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    var out = new ArrayList<String>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }
}
