package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.iam.TeamService;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A team's page: its members (add, remove), pending invitations of users and, with mailing on, of e-mail addresses
 * (invite, cancel) and, for the organization's admins, the team's repository permissions (set, change, remove through
 * {@link PermissionService}). Members of the team see its members only; everyone else gets a 404.
 */
final class TeamPages {
    private final Pages pages;
    private final TeamService teams;
    private final PermissionService permissions;
    private final RepositoryService repositories;

    TeamPages(Pages pages, TeamService teams, PermissionService permissions, RepositoryService repositories) {
        this.pages = pages;
        this.teams = teams;
        this.permissions = permissions;
        this.repositories = repositories;
    }

    void mount(Router router) {
        router.get("/organization/:org/teams/:team").handler(this::show);
        router.post("/organization/:org/teams/:team").handler(this::change);
    }

    private void show(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        teams.members(who, org, ctx.pathParam("team"), true).compose(members -> {
            String team = members.team().name();
            Future<List<PermissionRepository.RepositoryGrant>> grants = members.canEdit()
                    ? teams.permissions(who, org, team) : Future.succeededFuture(List.of());
            Future<List<String>> choices = members.canEdit()
                    ? OrganizationPages.repositoryNames(repositories, who, org) : Future.succeededFuture(List.of());
            return Future.all(grants, choices).map(loaded -> {
                var model = new HashMap<String, Object>();
                model.put("title", team + " · " + org);
                model.put("org", org);
                model.put("team", team);
                model.put("role", members.team().role());
                model.put("description", members.team().description());
                model.put("canEdit", members.canEdit());
                model.put("emailInvites", teams.invitesByEmail());
                model.put("members", members.members().stream().map(a -> Map.of("name", a.username(),
                        "robot", a.isRobot())).toList());
                model.put("invites", members.invites().stream()
                        .map(i -> i.invitee() != null ? i.invitee().username() : i.email()).toList());
                model.put("grants", loaded.<List<PermissionRepository.RepositoryGrant>>resultAt(0).stream()
                        .map(g -> Map.of("repository", g.repository(), "role", g.role().apiName())).toList());
                model.put("repositories", loaded.resultAt(1));
                model.put("notice", Pages.notice(ctx));
                return model;
            });
        }).onSuccess(model -> pages.render(ctx, Pages.rejection(ctx, model), "team", model))
                .onFailure(err -> ctx.fail(Pages.hidden(err)));
    }

    /**
     * Members (add, remove; an e-mail address is invited when mailing is on), invitations (cancel) and the team's role
     * on a repository of the organization (set, remove).
     */
    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String team = ctx.pathParam("team");
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        String member = Pages.form(ctx, "member");
        String repository = Pages.form(ctx, "repository");
        Future<String> done = switch (action) {
            case "add" -> member.contains("@") && teams.invitesByEmail()
                    ? teams.inviteEmail(who, org, team, member, ip).map("invited")
                    : teams.addMember(who, org, team, member, ip).map(added -> added.invited() ? "invited" : "member");
            case "cancel-invite" -> cancelInvite(who, org, team, Pages.form(ctx, "invitee"), ip);
            case "remove" -> teams.removeMember(who, org, team, member, ip).map("removed");
            case "permission" -> OrganizationPages.administeredRepository(repositories, who, org, repository)
                    .compose(repo -> permissions.setTeamRole(who, repo, team, Pages.form(ctx, "role"), ip))
                    .map("permission");
            case "remove-permission" -> OrganizationPages.administeredRepository(repositories, who, org, repository)
                    .compose(repo -> permissions.deleteTeamRole(who, repo, team, ip))
                    .map("permission-removed");
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        };
        done.onSuccess(notice -> Pages.redirect(ctx, "/organization/" + org + "/teams/" + team + "?done=" + notice))
                .onFailure(err -> Pages.rejectForm(ctx, err, action, () -> show(ctx)));
    }

    /**
     * Only an admin gets past the refusal to a missing invitation, which on this page is a stale list (accepted,
     * declined or cancelled meanwhile), told next to the form rather than as a missing page.
     */
    private Future<String> cancelInvite(Identity who, String org, String team, String invitee, String ip) {
        return teams.cancelInvite(who, org, team, invitee, ip).map("invite-cancelled").recover(err ->
                Future.failedFuture(err instanceof BerthException e && e.code() == ErrorCode.NOT_FOUND
                        ? new BerthException(ErrorCode.INVALID_REQUEST, invitee + " has no pending invitation to team "
                                + team + ": it was accepted, declined or cancelled meanwhile")
                        : err));
    }
}
