package io.berth.registry.iam;

import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for organizations: their settings, teams, team members and pending team invitations. */
public final class OrganizationRepository {

    /** A team of an organization; {@code role} is member, creator or admin. */
    public record Team(long id, long organizationId, String name, String role, String description) {}

    /** A team with its counts, for the organization view. */
    public record TeamSummary(Team team, long memberCount, long repositoryCount) {}

    /**
     * A pending invitation with the team and organization it leads into; {@code invitee} null for e-mail ones.
     * {@code uuid} names it where its invitee answers it from a list: unlike {@code id}, it cannot be guessed.
     */
    public record Invite(long id, UUID uuid, Team team, String organization, Account invitee, String email,
                         Long inviterId) {}

    /** An invitation looked up for an account, and whether it is addressed to that account (see {@link #ADDRESSED}). */
    public record InviteFor(Invite invite, boolean addressed) {}

    /** A pending invitation as its invitee sees it; {@code inviter} null once that account is gone. */
    public record PendingInvite(UUID id, String organization, String team, String inviter) {}

    /** An organization's invoice settings. */
    public record Settings(boolean invoiceEmail, String invoiceEmailAddress) {}

    private static final String TEAM = "t.id, t.organization_id, t.name, t.role, t.description";

    /**
     * Whether invitation {@code i} is addressed to account {@code me}: it names that user, or it is of the user's
     * e-mail address and that address is verified (as Quay matches them). An unverified address may not be the
     * user's, so its invitations reach them only through the mailed code.
     */
    private static final String ADDRESSED =
            "(i.account_id = me.id OR (me.verified AND lower(i.email) = lower(me.email)))";

    /** Invitations with their team, organization and invited user, for {@link #invite(Row)}; {@code extra} columns. */
    private static String selectInvites(String extra) {
        return """
                SELECT i.id AS invite_id, i.uuid AS invite_uuid, i.email AS invite_email, i.inviter_id, o.username AS org,
                       t.id AS team_id, t.organization_id, t.name, t.role, t.description, """ + extra
                + AccountRepository.columns("a") + """
                 FROM team_invite i JOIN team t ON t.id = i.team_id JOIN account o ON o.id = t.organization_id
                LEFT JOIN account a ON a.id = i.account_id
                """;
    }

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

    /**
     * Locks the organization's row for the rest of the transaction, so that changes to its teams are serialised and
     * the "someone stays admin" check sees every concurrent change.
     */
    public Future<Void> lock(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT id FROM account WHERE id = $1 FOR UPDATE").execute(Tuple.of(organizationId))
                .mapEmpty();
    }

    public Future<Settings> settings(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT invoice_email, invoice_email_address FROM account WHERE id = $1")
                .execute(Tuple.of(organizationId))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Settings(r.getBoolean(0), r.getString(1));
                });
    }

    /** Sets the given fields; a null argument leaves its column as it is. */
    public Future<Void> update(SqlClient db, long organizationId, String email, Boolean invoiceEmail,
                               String invoiceEmailAddress) {
        return db.preparedQuery("""
                        UPDATE account SET email = coalesce($2, email), invoice_email = coalesce($3, invoice_email),
                               invoice_email_address = coalesce($4, invoice_email_address)
                        WHERE id = $1""")
                .execute(Tuple.of(organizationId, email, invoiceEmail, invoiceEmailAddress)).mapEmpty();
    }

    public Future<Long> insertTeam(SqlClient db, long organizationId, String name, String role, String description) {
        return db.preparedQuery("""
                        INSERT INTO team (organization_id, name, role, description) VALUES ($1, $2, $3, $4)
                        RETURNING id""")
                .execute(Tuple.of(organizationId, name, role, description))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<Team> findTeam(SqlClient db, long organizationId, String name) {
        return db.preparedQuery("SELECT " + TEAM + " FROM team t WHERE t.organization_id = $1 AND t.name = $2")
                .execute(Tuple.of(organizationId, name))
                .map(rows -> rows.size() == 0 ? null : team(rows.iterator().next()));
    }

    /** The organization's teams by creation, with member and repository counts. */
    public Future<List<TeamSummary>> teams(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT " + TEAM + """
                        , (SELECT count(*) FROM team_member m WHERE m.team_id = t.id),
                          (SELECT count(*) FROM team_repository_permission p WHERE p.team_id = t.id)
                        FROM team t WHERE t.organization_id = $1 ORDER BY t.id""")
                .execute(Tuple.of(organizationId))
                .map(rows -> Sql.list(rows, r -> new TeamSummary(team(r), r.getLong(5), r.getLong(6))));
    }

    /** The organization's teams whose name starts with {@code prefix}, by name (the entity search). */
    public Future<List<Team>> matchingTeams(SqlClient db, long organizationId, String prefix, int limit) {
        return db.preparedQuery("SELECT " + TEAM + """
                         FROM team t WHERE t.organization_id = $1 AND starts_with(t.name, $2)
                        ORDER BY t.name = $2 DESC, t.name COLLATE "C" LIMIT $3""")
                .execute(Tuple.of(organizationId, prefix, limit))
                .map(rows -> Sql.list(rows, OrganizationRepository::team));
    }

    public Future<Void> updateTeam(SqlClient db, long teamId, String role, String description) {
        return db.preparedQuery("UPDATE team SET role = $2, description = $3 WHERE id = $1")
                .execute(Tuple.of(teamId, role, description)).mapEmpty();
    }

    public Future<Void> deleteTeam(SqlClient db, long teamId) {
        return db.preparedQuery("DELETE FROM team WHERE id = $1").execute(Tuple.of(teamId)).mapEmpty();
    }

    /** Adds the account to the team; false when it already was a member. */
    public Future<Boolean> addMember(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("INSERT INTO team_member (team_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(teamId, accountId)).map(rows -> rows.rowCount() == 1);
    }

    /** Removes the account from the team; false when it was no member. */
    public Future<Boolean> removeMember(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("DELETE FROM team_member WHERE team_id = $1 AND account_id = $2")
                .execute(Tuple.of(teamId, accountId)).map(rows -> rows.rowCount() == 1);
    }

    /** Removes the account from every team of the organization and returns the teams' names. */
    public Future<List<String>> removeFromAllTeams(SqlClient db, long organizationId, long accountId) {
        return db.preparedQuery("""
                        DELETE FROM team_member m USING team t
                        WHERE m.team_id = t.id AND t.organization_id = $1 AND m.account_id = $2
                        RETURNING t.name""")
                .execute(Tuple.of(organizationId, accountId))
                .map(rows -> Sql.list(rows, r -> r.getString(0)));
    }

    /** The teams of the organization the account is in, by name. */
    public Future<List<Team>> teamsOf(SqlClient db, long organizationId, long accountId) {
        return db.preparedQuery("SELECT " + TEAM + """
                         FROM team t JOIN team_member m ON m.team_id = t.id
                        WHERE t.organization_id = $1 AND m.account_id = $2 ORDER BY t.name""")
                .execute(Tuple.of(organizationId, accountId))
                .map(rows -> Sql.list(rows, OrganizationRepository::team));
    }

    public Future<Boolean> isTeamMember(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("SELECT 1 FROM team_member WHERE team_id = $1 AND account_id = $2")
                .execute(Tuple.of(teamId, accountId)).map(rows -> rows.size() > 0);
    }

    /** The team's members (users and robots) by name. */
    public Future<List<Account>> teamMembers(SqlClient db, long teamId) {
        return db.preparedQuery("SELECT " + AccountRepository.columns("a") + """
                         FROM team_member m JOIN account a ON a.id = m.account_id
                        WHERE m.team_id = $1 ORDER BY a.username""")
                .execute(Tuple.of(teamId))
                .map(rows -> Sql.list(rows, AccountRepository::map));
    }

    /** An organization an account belongs to, with the strongest role its teams give it there. */
    public record Membership(Account organization, String role) {}

    /** The organizations the account is in a team of, by name. */
    public Future<List<Membership>> memberships(SqlClient db, long accountId) {
        return db.preparedQuery("SELECT " + AccountRepository.columns("o") + """
                        , min(CASE t.role WHEN 'admin' THEN 0 WHEN 'creator' THEN 1 ELSE 2 END)
                        FROM team t JOIN team_member m ON m.team_id = t.id JOIN account o ON o.id = t.organization_id
                        WHERE m.account_id = $1
                        GROUP BY o.id ORDER BY o.username""")
                .execute(Tuple.of(accountId))
                .map(rows -> Sql.list(rows, r -> new Membership(AccountRepository.map(r),
                        switch (r.getInteger(r.size() - 1)) {
                            case 0 -> "admin";
                            case 1 -> "creator";
                            default -> "member";
                        })));
    }

    /** Every account in a team of the organization, each with its teams' names, by name. */
    public Future<Map<Account, List<String>>> members(SqlClient db, long organizationId) {
        return db.preparedQuery("SELECT " + AccountRepository.columns("a") + """
                        , array_agg(t.name ORDER BY t.name)
                        FROM team t JOIN team_member m ON m.team_id = t.id JOIN account a ON a.id = m.account_id
                        WHERE t.organization_id = $1
                        GROUP BY a.id ORDER BY a.username""")
                .execute(Tuple.of(organizationId))
                .map(rows -> {
                    var out = new LinkedHashMap<Account, List<String>>();
                    rows.forEach(r -> out.put(AccountRepository.map(r), List.of(r.getArrayOfStrings(11))));
                    return out;
                });
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

    /** How many enabled users (robots cannot administer) are in an admin team of the organization. */
    public Future<Long> adminUserCount(SqlClient db, long organizationId) {
        return db.preparedQuery("""
                        SELECT count(DISTINCT a.id) FROM team t JOIN team_member m ON m.team_id = t.id
                        JOIN account a ON a.id = m.account_id
                        WHERE t.organization_id = $1 AND t.role = 'admin' AND a.kind = 'user' AND a.enabled""")
                .execute(Tuple.of(organizationId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The names of the enabled users in an admin team of the organization, in order. */
    public Future<List<String>> adminUsernames(SqlClient db, long organizationId) {
        return db.preparedQuery("""
                        SELECT DISTINCT a.username FROM team t JOIN team_member m ON m.team_id = t.id
                        JOIN account a ON a.id = m.account_id
                        WHERE t.organization_id = $1 AND t.role = 'admin' AND a.kind = 'user' AND a.enabled
                        ORDER BY a.username""")
                .execute(Tuple.of(organizationId)).map(rows -> Sql.list(rows, r -> r.getString(0)));
    }

    /** Organizations the account is in a team of. */
    public Future<Long> membershipCount(SqlClient db, long accountId) {
        return db.preparedQuery("""
                        SELECT count(DISTINCT t.organization_id) FROM team t JOIN team_member m ON m.team_id = t.id
                        WHERE m.account_id = $1""")
                .execute(Tuple.of(accountId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Records an invitation, or renews the pending one of the same invitee (a new code, a new inviter), so that inviting
     * again re-sends rather than piling up.
     */
    public Future<Void> upsertInvite(SqlClient db, long teamId, Long accountId, String email, long inviterId,
                                     String codeHash) {
        String conflict = accountId != null ? "(team_id, account_id) WHERE account_id IS NOT NULL"
                : "(team_id, lower(email)) WHERE email IS NOT NULL";
        return db.preparedQuery("""
                        INSERT INTO team_invite (team_id, account_id, email, inviter_id, code_hash) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT %s DO UPDATE SET code_hash = excluded.code_hash, inviter_id = excluded.inviter_id,
                               created_at = now()""".formatted(conflict))
                .execute(Tuple.of(teamId, accountId, email, inviterId, codeHash)).mapEmpty();
    }

    /** The team's pending invitations, users' first. */
    public Future<List<Invite>> invites(SqlClient db, Team team, String organization) {
        return db.preparedQuery("SELECT i.id AS invite_id, i.uuid AS invite_uuid, i.email AS invite_email, i.inviter_id, "
                        + AccountRepository.columns("a") + """
                         FROM team_invite i LEFT JOIN account a ON a.id = i.account_id
                        WHERE i.team_id = $1 ORDER BY a.username NULLS LAST, i.email""")
                .execute(Tuple.of(team.id()))
                .map(rows -> Sql.list(rows, r -> new Invite(r.getLong("invite_id"), r.getUUID("invite_uuid"), team,
                        organization, r.getLong("id") == null ? null : AccountRepository.map(r),
                        r.getString("invite_email"), r.getLong("inviter_id"))));
    }

    /** The invitation with this code hash, with its team and organization, or null. */
    public Future<Invite> findInvite(SqlClient db, String codeHash) {
        return db.preparedQuery(selectInvites("") + "WHERE i.code_hash = $1").execute(Tuple.of(codeHash))
                .map(rows -> rows.size() == 0 ? null : invite(rows.iterator().next()));
    }

    /** The invitation with this uuid, and whether it is addressed to the account; null when there is none. */
    public Future<InviteFor> findInvite(SqlClient db, UUID uuid, long accountId) {
        return db.preparedQuery(selectInvites("coalesce(" + ADDRESSED + ", FALSE) AS addressed, ")
                        + "JOIN account me ON me.id = $2 WHERE i.uuid = $1")
                .execute(Tuple.of(uuid, accountId))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    Row r = rows.iterator().next();
                    return new InviteFor(invite(r), r.getBoolean("addressed"));
                });
    }

    /** The pending invitations addressed to the account, by organization and team. */
    public Future<List<PendingInvite>> invitesAddressedTo(SqlClient db, long accountId) {
        return db.preparedQuery("""
                        SELECT i.uuid, o.username, t.name, inviter.username
                          FROM account me JOIN team_invite i ON """ + ADDRESSED + """
                          JOIN team t ON t.id = i.team_id JOIN account o ON o.id = t.organization_id
                          LEFT JOIN account inviter ON inviter.id = i.inviter_id
                         WHERE me.id = $1
                         ORDER BY o.username, t.name""")
                .execute(Tuple.of(accountId))
                .map(rows -> Sql.list(rows, r -> new PendingInvite(r.getUUID(0), r.getString(1), r.getString(2),
                        r.getString(3))));
    }

    private static Invite invite(Row r) {
        Team team = new Team(r.getLong("team_id"), r.getLong("organization_id"), r.getString("name"),
                r.getString("role"), r.getString("description"));
        Account invitee = r.getLong("id") == null ? null : AccountRepository.map(r);
        return new Invite(r.getLong("invite_id"), r.getUUID("invite_uuid"), team, r.getString("org"), invitee,
                r.getString("invite_email"), r.getLong("inviter_id"));
    }

    /** Drops the invitations to the team that are addressed to the account. */
    public Future<Void> deleteInvitesAddressedTo(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("DELETE FROM team_invite i USING account me WHERE me.id = $2 AND i.team_id = $1 AND "
                        + ADDRESSED)
                .execute(Tuple.of(teamId, accountId)).mapEmpty();
    }

    public Future<Boolean> deleteInvite(SqlClient db, long inviteId) {
        return db.preparedQuery("DELETE FROM team_invite WHERE id = $1").execute(Tuple.of(inviteId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Drops the account's pending invitation to the team; false when there was none. */
    public Future<Boolean> deleteAccountInvite(SqlClient db, long teamId, long accountId) {
        return db.preparedQuery("DELETE FROM team_invite WHERE team_id = $1 AND account_id = $2")
                .execute(Tuple.of(teamId, accountId)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> deleteEmailInvite(SqlClient db, long teamId, String email) {
        return db.preparedQuery("DELETE FROM team_invite WHERE team_id = $1 AND lower(email) = lower($2)")
                .execute(Tuple.of(teamId, email)).map(rows -> rows.rowCount() == 1);
    }

    private static Team team(Row r) {
        return new Team(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3), r.getString(4));
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
                .map(rows -> Sql.list(rows, r -> r.getString(0)));
    }
}
