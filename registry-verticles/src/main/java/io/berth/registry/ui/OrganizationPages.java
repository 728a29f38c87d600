package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.RobotService;
import io.berth.registry.iam.TeamService;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Organization pages: create an organization, its repositories, its teams (create, members) and robot accounts (create, credentials
 * dialog, regenerate). The services check permissions with the Authorizer and write the usage log.
 */
final class OrganizationPages {
    /** How many robots and repositories the organization page lists. */
    private static final int MAX_ROBOTS = 200;

    private final Pages pages;
    private final OrganizationService organizations;
    private final TeamService teams;
    private final RobotService robots;
    private final RepositoryService repositories;

    OrganizationPages(Pages pages, OrganizationService organizations, TeamService teams, RobotService robots,
                      RepositoryService repositories) {
        this.pages = pages;
        this.organizations = organizations;
        this.teams = teams;
        this.robots = robots;
        this.repositories = repositories;
    }

    void mount(Router router) {
        router.get("/organizations/new").handler(ctx -> newForm(ctx, 200, null, "", ""));
        router.post("/organizations/new").handler(this::create);
        router.get("/organization/:org").handler(ctx -> show(ctx, 200));
        router.post("/organization/:org").handler(this::change);
        router.get("/organization/:org/teams/:team").handler(ctx -> team(ctx, 200));
        router.post("/organization/:org/teams/:team").handler(this::changeTeam);
        router.get("/organization/:org/robots/:robot").handler(this::robot);
        router.post("/organization/:org/robots/:robot").handler(this::regenerate);
    }

    private void newForm(RoutingContext ctx, int status, String error, String name, String email) {
        if (ApiAuth.identity(ctx).anonymous()) {
            Pages.redirect(ctx, "/signin");
            return;
        }
        var model = new HashMap<String, Object>();
        model.put("title", "Create New Organization");
        model.put("error", error);
        model.put("name", name);
        model.put("email", email);
        pages.render(ctx, status, "new-organization", model);
    }

    private void create(RoutingContext ctx) {
        String name = Pages.form(ctx, "name");
        String email = Pages.form(ctx, "email");
        organizations.create(ApiAuth.identity(ctx), name, email.isEmpty() ? null : email, Http.clientIp(ctx))
                .onSuccess(org -> Pages.redirect(ctx, "/organization/" + org.username()))
                .onFailure(err -> Pages.inline(ctx, err, message -> newForm(ctx, 400, message, name, email)));
    }

    /** The organization page: its teams for members; robot accounts and the forms for administrators. */
    private void show(RoutingContext ctx, int status) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        organizations.view(who, org).compose(view -> {
            if (!view.member() && !view.admin()) {
                return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            }
            Future<List<RobotService.View>> robotList = view.admin()
                    ? robots.list(new RobotService.Owner(who, org), false, false, MAX_ROBOTS)
                    : Future.succeededFuture(List.of());
            return Future.all(robotList, repositories.listNamespace(who, org, MAX_ROBOTS)).map(loaded -> {
                List<RobotService.View> list = loaded.resultAt(0);
                var model = new HashMap<String, Object>();
                model.put("title", org);
                model.put("org", org);
                model.put("admin", view.admin());
                model.put("teams", view.teams() == null ? List.of() : view.teams().stream().map(t -> Map.of(
                        "name", t.summary().team().name(), "role", t.summary().team().role(),
                        "members", t.summary().memberCount(), "canView", t.canView())).toList());
                model.put("robots", list.stream().map(r -> Map.of("name", r.robot().name(),
                        "short", r.robot().name().substring(org.length() + 1),
                        "description", r.robot().description() == null ? "" : r.robot().description())).toList());
                model.put("repositories", loaded.<List<RepositoryRecord>>resultAt(1).stream()
                        .map(r -> Map.of("path", r.path(), "visibility", r.visibility())).toList());
                model.put("error", ctx.get("formError"));
                return model;
            });
        }).onSuccess(model -> pages.render(ctx, status, "organization", model)).onFailure(ctx::fail);
    }

    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String name = Pages.form(ctx, "name");
        String ip = Http.clientIp(ctx);
        Future<String> done = switch (Pages.form(ctx, "action")) {
            case "team" -> teams.save(who, org, name, Pages.form(ctx, "role"), Pages.form(ctx, "description"), ip)
                    .map(saved -> "/organization/" + org + "/teams/" + saved.team().name());
            case "robot" -> robots.create(new RobotService.Owner(who, org), name, Pages.form(ctx, "description"),
                            new JsonObject(), ip)
                    .map(view -> "/organization/" + org + "/robots/" + name);
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        };
        done.onSuccess(target -> Pages.redirect(ctx, target)).onFailure(err -> Pages.inline(ctx, err, message -> {
            ctx.put("formError", message);
            show(ctx, 400);
        }));
    }

    private void team(RoutingContext ctx, int status) {
        String org = ctx.pathParam("org");
        teams.members(ApiAuth.identity(ctx), org, ctx.pathParam("team"), true).map(members -> {
            var model = new HashMap<String, Object>();
            model.put("title", members.team().name() + " · " + org);
            model.put("org", org);
            model.put("team", members.team().name());
            model.put("role", members.team().role());
            model.put("canEdit", members.canEdit());
            model.put("members", members.members().stream().map(a -> a.username()).toList());
            model.put("invites", members.invites().stream()
                    .map(i -> i.invitee() != null ? i.invitee().username() : i.email()).toList());
            model.put("error", ctx.get("formError"));
            return model;
        }).onSuccess(model -> pages.render(ctx, status, "team", model))
                .onFailure(err -> ctx.fail(hidden(err)));
    }

    private void changeTeam(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String team = ctx.pathParam("team");
        String member = Pages.form(ctx, "member");
        String ip = Http.clientIp(ctx);
        Future<?> done = Pages.form(ctx, "action").equals("remove")
                ? teams.removeMember(who, org, team, member, ip)
                : teams.addMember(who, org, team, member, ip);
        done.onSuccess(v -> Pages.redirect(ctx, "/organization/" + org + "/teams/" + team))
                .onFailure(err -> Pages.inline(ctx, err, message -> {
                    ctx.put("formError", message);
                    team(ctx, 400);
                }));
    }

    /** The robot's credentials dialog: every format Quay offers, and Regenerate Token. */
    private void robot(RoutingContext ctx) {
        String org = ctx.pathParam("org");
        String shortName = ctx.pathParam("robot");
        robots.credentials(new RobotService.Owner(ApiAuth.identity(ctx), org), shortName).map(c -> {
            var model = RobotPage.model(ctx, c);
            model.put("org", org);
            return model;
        }).onSuccess(model -> pages.render(ctx, 200, "robot", model)).onFailure(err -> ctx.fail(hidden(err)));
    }

    private void regenerate(RoutingContext ctx) {
        String org = ctx.pathParam("org");
        String shortName = ctx.pathParam("robot");
        robots.regenerate(new RobotService.Owner(ApiAuth.identity(ctx), org), shortName, Http.clientIp(ctx))
                .onSuccess(v -> Pages.redirect(ctx, "/organization/" + org + "/robots/" + shortName + "?regenerated"))
                .onFailure(err -> ctx.fail(hidden(err)));
    }

    /** Outsiders learn nothing about an organization's teams and robots: a refusal looks like a missing page. */
    private static Throwable hidden(Throwable err) {
        return err instanceof BerthException e && (Http.status(e) == 401 || Http.status(e) == 403)
                ? new BerthException(ErrorCode.NOT_FOUND, "Not Found") : err;
    }
}
