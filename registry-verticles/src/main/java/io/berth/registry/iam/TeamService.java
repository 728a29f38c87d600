package io.berth.registry.iam;

import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SecretCodes;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.mail.Mailer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Teams of an organization (quay-api.md §3.3): create-or-update with a role and description, members (users, and
 * robots of the organization), invitations of users who are not yet in the organization and of e-mail addresses
 * (mailed, pending until accepted or declined), and the teams' repository permissions. Team changes lock the
 * organization's row and check afterwards, in the same transaction, that the caller keeps its admin role where Quay
 * says so and that the organization keeps an admin at all.
 */
public final class TeamService {
    private static final Logger LOG = LoggerFactory.getLogger(TeamService.class);
    public static final Set<String> ROLES = Set.of("member", "creator", "admin");
    public static final int MAX_DESCRIPTION = 4096;

    private final Pool pool;
    private final AccountRepository accounts;
    private final OrganizationRepository organizations;
    private final PermissionRepository permissions;
    private final OrganizationService organizationService;
    private final Authorizer authorizer;
    private final Mailer mailer;
    private final String baseUrl;
    private final UsageLogger usage;

    public TeamService(Pool pool, AccountRepository accounts, OrganizationRepository organizations,
                       PermissionRepository permissions, OrganizationService organizationService,
                       Authorizer authorizer, Mailer mailer, String baseUrl, UsageLogger usage) {
        this.pool = pool;
        this.accounts = accounts;
        this.organizations = organizations;
        this.permissions = permissions;
        this.organizationService = organizationService;
        this.authorizer = authorizer;
        this.mailer = mailer;
        this.baseUrl = baseUrl;
        this.usage = usage;
    }

    /** A team after create-or-update; {@code created} whether this call created it. */
    public record Saved(OrganizationRepository.Team team, boolean created) {}

    /** A team's members and, for admins who asked, its pending invitations. */
    public record Members(OrganizationRepository.Team team, List<Account> members,
                          List<OrganizationRepository.Invite> invites, boolean canEdit) {}

    /** The outcome of adding a user or robot: a member now, or invited. */
    public record Added(Account account, boolean invited) {}

    /** An accepted invitation: the organization and team joined. */
    public record Joined(String organization, String team) {}

    public Future<Saved> save(Identity who, String org, String name, String role, String description, String ip) {
        if (!RepositoryName.validNamespace(name)) {
            return Fail.invalid("Invalid team name " + name + ": must be 2-255 characters of a-z, 0-9 and . _ - "
                    + "between them");
        }
        if (role == null || !ROLES.contains(role)) {
            return Fail.invalid("Invalid role " + role + ": must be member, creator or admin");
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            return Fail.invalid("The team description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return organizationService.administered(who, org).compose(o -> pool.withTransaction(tx ->
                        organizations.lock(tx, o.id())
                                .compose(v -> organizations.findTeam(tx, o.id(), name))
                                .compose(before -> before == null ? create(tx, o, name, role, description)
                                        : update(tx, who, o, before, role, description)))
                .map(change -> {
                    logChange(who, o, change, ip);
                    return new Saved(change.after(), change.before() == null);
                }));
    }

    /** A team before (null when created) and after a create-or-update. */
    private record Change(OrganizationRepository.Team before, OrganizationRepository.Team after) {}

    private Future<Change> create(SqlClient tx, Account org, String name, String role, String description) {
        String text = Objects.requireNonNullElse(description, "");
        return organizations.insertTeam(tx, org.id(), name, role, text)
                .map(id -> new Change(null, new OrganizationRepository.Team(id, org.id(), name, role, text)));
    }

    private Future<Change> update(SqlClient tx, Identity who, Account org, OrganizationRepository.Team before,
                                  String role, String description) {
        var after = new OrganizationRepository.Team(before.id(), org.id(), before.name(), role,
                Objects.requireNonNullElse(description, before.description()));
        Future<Void> write = organizations.updateTeam(tx, before.id(), role, after.description());
        if (before.role().equals("admin") && !role.equals("admin")) {
            write = write.compose(v -> callerStaysAdmin(tx, who, org, "Cannot remove admin from team '"
                    + before.name() + "' because calling user would no longer have admin on org '" + org.username()
                    + "'"));
        }
        return write.map(new Change(before, after));
    }

    private void logChange(Identity who, Account org, Change change, String ip) {
        String name = change.after().name();
        if (change.before() == null) {
            usage.log("org_create_team", org.id(), who, null, ip, new JsonObject().put("team", name));
            return;
        }
        if (!change.after().description().equals(change.before().description())) {
            usage.log("org_set_team_description", org.id(), who, null, ip,
                    new JsonObject().put("team", name).put("description", change.after().description()));
        }
        if (!change.after().role().equals(change.before().role())) {
            usage.log("org_set_team_role", org.id(), who, null, ip,
                    new JsonObject().put("team", name).put("role", change.after().role()));
        }
    }

    public Future<Void> delete(Identity who, String org, String name, String ip) {
        return organizationService.administered(who, org).compose(o -> pool.withTransaction(tx ->
                        organizations.lock(tx, o.id())
                                .compose(v -> team(tx, o, name))
                                .compose(team -> organizations.deleteTeam(tx, team.id())
                                        .compose(v -> !team.role().equals("admin") ? Future.<Void>succeededFuture()
                                                : callerStaysAdmin(tx, who, o, "Deleting team '" + name
                                                        + "' would remove admin ability for user '" + who.username()
                                                        + "' in organization '" + o.username() + "'"))))
                .onSuccess(v -> usage.log("org_delete_team", o.id(), who, null, ip, new JsonObject().put("team", name))));
    }

    public Future<Members> members(Identity who, String org, String name, boolean includePending) {
        if (who.anonymous()) return Future.failedFuture(Authorizer.refusal(who));
        return organizationService.find(org).compose(o -> team(pool, o, name).compose(team ->
                Future.all(authorizer.administersNamespace(pool, who, org), authorizer.canViewTeam(pool, who, org, team.id()))
                        .compose(can -> {
                            boolean admin = can.resultAt(0);
                            if (!can.<Boolean>resultAt(1)) return Future.failedFuture(Authorizer.refusal(who));
                            return Future.all(organizations.teamMembers(pool, team.id()), admin && includePending
                                            ? organizations.invites(pool, team, org)
                                            : Future.succeededFuture(List.<OrganizationRepository.Invite>of()))
                                    .map(all -> new Members(team, all.resultAt(0), all.resultAt(1), admin));
                        })));
    }

    /**
     * Adds a user or robot to the team. A robot must be the organization's; a user already in one of its teams joins
     * at once; any other user is invited (and mailed) when mailing is on, and joins at once when it is off, as in
     * Quay (there would be no way to deliver the invitation).
     */
    public Future<Added> addMember(Identity who, String org, String name, String memberName, String ip) {
        return organizationService.administered(who, org).compose(o -> pool.withTransaction(tx ->
                team(tx, o, name).compose(team -> accounts.findByUsername(tx, memberName).compose(member -> {
                    if (member == null || member.isOrganization()) return Fail.invalid("Unknown user");
                    if (member.isRobot() && !Objects.equals(member.ownerId(), o.id())) {
                        return Fail.invalid("Cannot add the specified robot to this team, as it is not a member of the "
                                + "organization");
                    }
                    Future<Boolean> direct = member.isRobot() || !mailer.enabled() ? Future.succeededFuture(true)
                            : organizations.strongestRole(tx, o.id(), member.id()).map(Objects::nonNull);
                    return direct.compose(join -> join
                            ? organizations.addMember(tx, team.id(), member.id()).compose(added -> added
                                    ? Future.succeededFuture(new Invitation(team, member, member.email(), null))
                                    : Fail.invalid("User '" + memberName + "' is already a member of team '" + name + "'"))
                            : invite(tx, who, team, member, null));
                }))).compose(invitation -> {
                    if (invitation.code() == null) {
                        usage.log("org_add_team_member", o.id(), who, null, ip,
                                new JsonObject().put("member", memberName).put("team", name));
                        return Future.succeededFuture(new Added(invitation.invitee(), false));
                    }
                    usage.log("org_invite_team_member", o.id(), who, null, ip, new JsonObject()
                            .put("user", memberName).put("member", memberName).put("team", name));
                    return mail(invitation, o, who).map(new Added(invitation.invitee(), true));
                }));
    }

    /** Removes a member, or drops the user's pending invitation to the team when there is one. */
    public Future<Void> removeMember(Identity who, String org, String name, String memberName, String ip) {
        return organizationService.administered(who, org).compose(o -> pool.withTransaction(tx ->
                        organizations.lock(tx, o.id())
                                .compose(v -> team(tx, o, name))
                                .compose(team -> accounts.findByUsername(tx, memberName).compose(member -> {
                                    if (member == null) return Fail.invalid("Unknown user");
                                    return organizations.deleteAccountInvite(tx, team.id(), member.id()).compose(invite ->
                                            invite ? Future.succeededFuture("org_delete_team_member_invite")
                                                    : removeMember(tx, who, o, team, member));
                                })))
                .onSuccess(kind -> usage.log(kind, o.id(), who, null, ip, kind.equals("org_delete_team_member_invite")
                        ? withdrawn(memberName, name) : new JsonObject().put("member", memberName).put("team", name)))
                .mapEmpty());
    }

    private Future<String> removeMember(SqlClient tx, Identity who, Account org, OrganizationRepository.Team team,
                                        Account member) {
        return organizations.removeMember(tx, team.id(), member.id()).compose(removed -> {
            if (!removed) {
                return Fail.invalid("User " + member.username() + " does not belong to team " + team.name());
            }
            Future<Void> check = member.id() == who.accountId() && team.role().equals("admin")
                    ? callerStaysAdmin(tx, who, org, "User cannot remove themselves from their only admin team.")
                    : organizationService.keepsAnAdmin(tx, org, "Cannot remove the last admin of organization "
                            + org.username());
            return check.map("org_remove_team_member");
        });
    }

    /** Whether e-mail addresses can be invited: only when the registry sends mail. */
    public boolean invitesByEmail() {
        return mailer.enabled();
    }

    /** Invites an e-mail address to the team (mailing must be on; without it there is nothing to deliver). */
    public Future<OrganizationRepository.Invite> inviteEmail(Identity who, String org, String name, String email,
                                                             String ip) {
        if (!mailer.enabled()) return Fail.notFound("Not Found");
        if (email == null || !UserService.validEmail(email)) return Fail.invalid("Invalid email address");
        return organizationService.administered(who, org).compose(o -> pool.withTransaction(tx ->
                        team(tx, o, name).compose(team -> invite(tx, who, team, null, email)))
                .compose(invitation -> {
                    usage.log("org_invite_team_member", o.id(), who, null, ip, new JsonObject()
                            .put("email", email).put("member", email).put("team", name));
                    return mail(invitation, o, who).map(new OrganizationRepository.Invite(0, null, invitation.team(),
                            o.username(), null, email, who.accountId()));
                }));
    }

    /**
     * Cancels a pending invitation ({@code DELETE .../invite/<email>} in Quay): of an e-mail address, or of the user
     * so named (usernames never hold an '@'). Only the invitation goes: a user who accepted it meanwhile stays a
     * member. It needs no mail, so invitations left from when mailing was on can still be withdrawn.
     */
    public Future<Void> cancelInvite(Identity who, String org, String name, String invitee, String ip) {
        return organizationService.administered(who, org).compose(o -> team(pool, o, name)
                .compose(team -> invitee.contains("@") ? organizations.deleteEmailInvite(pool, team.id(), invitee)
                        : accounts.findByUsername(pool, invitee).compose(user -> user == null
                                ? Future.succeededFuture(false)
                                : organizations.deleteAccountInvite(pool, team.id(), user.id())))
                .compose(deleted -> deleted ? Future.<Void>succeededFuture() : Fail.notFound("No such invite"))
                .onSuccess(v -> usage.log("org_delete_team_member_invite", o.id(), who, null, ip,
                        withdrawn(invitee, name))));
    }

    /** Quay's metadata of a withdrawn invitation: the invitee as {@code email} or {@code user}, and {@code member}. */
    private static JsonObject withdrawn(String invitee, String team) {
        return new JsonObject().put(invitee.contains("@") ? "email" : "user", invitee).put("member", invitee)
                .put("team", team);
    }

    /**
     * The invitation with this code, for the caller to accept or decline: refused exactly as {@link #accept} would
     * refuse it, so the confirmation page shows nothing of an invitation meant for someone else.
     */
    public Future<OrganizationRepository.PendingInvite> invitation(Identity who, String code) {
        return byCode(who, code).compose(invite -> (invite.inviterId() == null
                        ? Future.<Account>succeededFuture() : accounts.findById(pool, invite.inviterId()))
                .map(inviter -> new OrganizationRepository.PendingInvite(invite.uuid(), invite.organization(),
                        invite.team().name(), inviter == null ? null : inviter.username())));
    }

    /**
     * The pending invitations addressed to the caller, to answer by their ids: those naming the user, and those of
     * the user's verified e-mail address (an address nobody confirmed is reached only through its mailed code).
     */
    public Future<List<OrganizationRepository.PendingInvite>> addressedTo(Identity who) {
        return authorizer.requireOwnAccount(who).compose(v -> organizations.invitesAddressedTo(pool, who.accountId()));
    }

    /**
     * Accepts an invitation by its code: the caller joins the team. An invitation of a named user is that user's
     * alone; an e-mail one goes to whoever holds the code, and a holder whose address it is has that address verified
     * by it, as in Quay (the code travelled to that address).
     */
    public Future<Joined> accept(Identity who, String code, String ip) {
        return byCode(who, code).compose(invite -> join(who, invite, TeamService::invalidCode, ip));
    }

    public Future<Void> decline(Identity who, String code, String ip) {
        return byCode(who, code).compose(invite -> drop(who, invite, TeamService::invalidCode, ip));
    }

    /**
     * Accepts an invitation listed by {@link #addressedTo}, by its id. One not addressed to the caller is missing to
     * them (404); one answered or cancelled since the list was shown is refused as stale (400).
     */
    public Future<Joined> accept(Identity who, UUID id, String ip) {
        return byId(who, id).compose(invite -> join(who, invite, TeamService::stale, ip));
    }

    public Future<Void> decline(Identity who, UUID id, String ip) {
        return byId(who, id).compose(invite -> drop(who, invite, TeamService::stale, ip));
    }

    /**
     * The caller joins the invitation's team and the invitation goes, with the caller's other invitations to that
     * team (moot now). Of two answers at once only one counts: the other finds the invitation gone ({@code gone}).
     */
    private Future<Joined> join(Identity who, OrganizationRepository.Invite invite, Supplier<Future<Void>> gone,
                                String ip) {
        return pool.withTransaction(tx -> organizations.addMember(tx, invite.team().id(), who.accountId())
                        .compose(v -> organizations.deleteInvite(tx, invite.id()))
                        .compose(deleted -> deleted ? verifyAddress(tx, who, invite) : gone.get())
                        .compose(v -> organizations.deleteInvitesAddressedTo(tx, invite.team().id(), who.accountId())))
                .map(v -> {
                    usage.log("org_team_member_invite_accepted", invite.team().organizationId(), who, null, ip,
                            answered(who, invite));
                    return new Joined(invite.organization(), invite.team().name());
                });
    }

    private Future<Void> drop(Identity who, OrganizationRepository.Invite invite, Supplier<Future<Void>> gone,
                              String ip) {
        return pool.withTransaction(tx -> organizations.deleteInvite(tx, invite.id())
                        .compose(deleted -> deleted ? verifyAddress(tx, who, invite) : gone.get()))
                .onSuccess(v -> usage.log("org_team_member_invite_declined", invite.team().organizationId(), who,
                        null, ip, answered(who, invite)));
    }

    /** Quay's metadata of an answered invitation. */
    private static JsonObject answered(Identity who, OrganizationRepository.Invite invite) {
        return new JsonObject().put("member", who.username()).put("team", invite.team().name())
                .put("inviter", invite.inviterId());
    }

    /**
     * An e-mail invitation answered with its code proves that the caller reads mail to its address: when that is the
     * caller's address, it is verified now. (Answered by id, it was verified already: nothing changes.)
     */
    private Future<Void> verifyAddress(SqlClient tx, Identity who, OrganizationRepository.Invite invite) {
        return invite.email() == null ? Future.succeededFuture()
                : accounts.verifyEmail(tx, who.accountId(), invite.email());
    }

    /** The repositories the team holds a role on. */
    public Future<List<PermissionRepository.RepositoryGrant>> permissions(Identity who, String org, String name) {
        return organizationService.administered(who, org)
                .compose(o -> team(pool, o, name))
                .compose(team -> permissions.ofTeam(pool, team.id()));
    }

    private Future<OrganizationRepository.Invite> byCode(Identity who, String code) {
        return authorizer.requireOwnAccount(who)
                .compose(v -> organizations.findInvite(pool, SecretCodes.sha256(code)))
                .compose(invite -> {
                    if (invite == null) return invalidCode();
                    if (invite.invitee() != null && invite.invitee().id() != who.accountId()) {
                        return Fail.invalid("This invite is intended for user \"" + invite.invitee().username()
                                + "\". Please login to that account and try again.");
                    }
                    return Future.succeededFuture(invite);
                });
    }

    /** Quay's answer to a code that names no pending invitation (never was, or accepted, declined or cancelled). */
    private static <T> Future<T> invalidCode() {
        return Fail.notFound("Invalid confirmation code.");
    }

    /** An invitation listed to the caller: one addressed to someone else is missing to them. */
    private Future<OrganizationRepository.Invite> byId(Identity who, UUID id) {
        return authorizer.requireOwnAccount(who)
                .compose(v -> organizations.findInvite(pool, id, who.accountId()))
                .compose(found -> {
                    if (found == null) return stale();
                    return found.addressed() ? Future.succeededFuture(found.invite()) : Fail.notFound("Not Found");
                });
    }

    /** The answer to an invitation of the caller's list that went meanwhile (accepted, declined or cancelled). */
    private static <T> Future<T> stale() {
        return Fail.invalid("This invitation is no longer valid: it was accepted, declined or cancelled meanwhile.");
    }

    /** An invitation just recorded (or a direct addition, when {@code code} is null) and where to mail it. */
    private record Invitation(OrganizationRepository.Team team, Account invitee, String email, String code) {}

    private Future<Invitation> invite(SqlClient tx, Identity inviter, OrganizationRepository.Team team, Account user,
                                      String email) {
        String code = SecretCodes.random(48);
        return organizations.upsertInvite(tx, team.id(), user == null ? null : user.id(), email, inviter.accountId(),
                        SecretCodes.sha256(code))
                .map(v -> new Invitation(team, user, user == null ? email : user.email(), code));
    }

    /**
     * Mails the invitation after its transaction committed. A delivery failure does not undo the invitation (inviting
     * again renews the code and mails anew); it is logged.
     */
    private Future<Void> mail(Invitation invitation, Account org, Identity inviter) {
        String text = """
                %s has invited you to join the team %s of the organization %s on %s.

                To accept or decline, open
                %s/confirminvite?code=%s

                Tools can instead, signed in, call PUT (accept) or DELETE (decline) on
                %s/api/v1/teaminvite/%s
                """.formatted(inviter.username(), invitation.team().name(), org.username(), baseUrl, baseUrl,
                invitation.code(), baseUrl, invitation.code());
        return mailer.send(invitation.email(), "Invitation to join team " + invitation.team().name() + " of "
                        + org.username(), text)
                .recover(err -> {
                    LOG.warn("Could not mail the invitation to team {} of {}: {}", invitation.team().name(),
                            org.username(), err.toString());
                    return Future.succeededFuture();
                });
    }

    private Future<OrganizationRepository.Team> team(SqlClient db, Account org, String name) {
        return organizations.findTeam(db, org.id(), name).compose(team -> team == null
                ? Fail.notFound("Team '" + name + "' is not a team in org '" + org.username() + "'")
                : Future.succeededFuture(team));
    }

    /** Quay's rule: a change an admin makes to the admin teams must leave that admin an admin. */
    private Future<Void> callerStaysAdmin(SqlClient tx, Identity who, Account org, String message) {
        return organizations.strongestRole(tx, org.id(), who.accountId())
                .compose(role -> "admin".equals(role) ? Future.succeededFuture() : Fail.invalid(message));
    }
}
