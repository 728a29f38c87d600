package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.iam.RobotService;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A robot account's page, for an organization's admins or the user who owns it: the credentials dialog (every format
 * Quay offers), Regenerate Token, and the robot's role on each of the namespace's repositories, set in bulk in one form.
 */
final class RobotPages {
    /** The bulk form's choices; "none" removes the robot's permission. */
    private static final Set<String> CHOICES = Set.of("none", "read", "write", "admin");

    private final Pages pages;
    private final RobotService robots;
    private final PermissionService permissions;
    private final RepositoryService repositories;

    RobotPages(Pages pages, RobotService robots, PermissionService permissions, RepositoryService repositories) {
        this.pages = pages;
        this.robots = robots;
        this.permissions = permissions;
        this.repositories = repositories;
    }

    void mount(Router router) {
        router.get("/organization/:org/robots/:robot").handler(this::show);
        router.post("/organization/:org/robots/:robot").handler(this::change);
        router.get("/user/settings/robots/:robot").handler(this::show);
        router.post("/user/settings/robots/:robot").handler(this::change);
    }

    /** The robot's owner: the organization in the path, or else the signed-in user. */
    private static RobotService.Owner owner(RoutingContext ctx) {
        return new RobotService.Owner(ApiAuth.identity(ctx), ctx.pathParam("org"));
    }

    private static String namespace(RobotService.Owner owner) {
        return owner.organization() != null ? owner.organization() : owner.caller().username();
    }

    private static String path(RobotService.Owner owner, String shortName) {
        return (owner.organization() != null ? "/organization/" + owner.organization() : "/user/settings")
                + "/robots/" + shortName;
    }

    private void show(RoutingContext ctx) {
        var owner = owner(ctx);
        if (owner.caller().anonymous()) {
            Pages.signInFirst(ctx);
            return;
        }
        String namespace = namespace(owner);
        String shortName = ctx.pathParam("robot");
        robots.credentials(owner, shortName).compose(c -> Future.all(robots.get(owner, shortName),
                current(owner, shortName), OrganizationPages.repositoryNames(repositories, owner.caller(), namespace))
                .map(loaded -> {
            Map<String, String> roles = loaded.resultAt(1);
            List<String> names = loaded.resultAt(2);
            var model = new HashMap<String, Object>();
            model.put("title", c.getString("name"));
            model.put("org", owner.organization());
            model.put("namespace", namespace);
            model.put("robot", c.getString("name"));
            model.put("description", loaded.<RobotService.View>resultAt(0).robot().description());
            model.put("token", c.getString("token"));
            model.put("dockerLogin", c.getString("docker_login"));
            model.put("dockerConfig", c.getJsonObject("docker_config").encodePrettily());
            model.put("kubernetes", c.getString("kubernetes_secret"));
            model.put("rkt", c.getJsonObject("rkt").encodePrettily());
            model.put("mesos", c.getString("mesos_tarball"));
            model.put("permissions", names.stream().map(name -> Map.of("repository", name,
                    "role", roles.getOrDefault(name, "none"))).toList());
            model.put("granted", roles.size());
            model.put("notice", Pages.notice(ctx));
            return model;
        })).onSuccess(model -> pages.render(ctx, Pages.rejection(ctx, model), "robot", model))
                .onFailure(err -> ctx.fail(Pages.hidden(err)));
    }

    /** The robot's direct roles on the organization's repositories, by repository name. */
    private Future<Map<String, String>> current(RobotService.Owner owner, String shortName) {
        return robots.permissions(owner, shortName).map(grants -> {
            var out = new LinkedHashMap<String, String>();
            for (PermissionRepository.RepositoryGrant g : grants) {
                if (g.namespace().equals(namespace(owner))) out.put(g.repository(), g.role().apiName());
            }
            return out;
        });
    }

    private void change(RoutingContext ctx) {
        var owner = owner(ctx);
        String shortName = ctx.pathParam("robot");
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        Future<String> done = switch (action) {
            case "regenerate" -> robots.regenerate(owner, shortName, ip).map("regenerated");
            case "permissions" -> savePermissions(ctx, owner, shortName, ip).map("permissions");
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        };
        done.onSuccess(notice -> Pages.redirect(ctx, path(owner, shortName) + "?done=" + notice))
                .onFailure(err -> Pages.rejectForm(ctx, err, action, () -> show(ctx)));
    }

    /**
     * The bulk form: one {@code repository} and one {@code role} field per row, in order. Every choice is checked
     * before anything changes; then only the rows whose role differs from the robot's current one are written.
     */
    private Future<Void> savePermissions(RoutingContext ctx, RobotService.Owner owner, String shortName, String ip) {
        List<String> names = ctx.request().formAttributes().getAll("repository");
        List<String> choices = ctx.request().formAttributes().getAll("role");
        if (names.size() != choices.size() || names.size() > OrganizationPages.MAX_LISTED) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Send one role per repository."));
        }
        for (String choice : choices) {
            if (!CHOICES.contains(choice)) {
                return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                        "Invalid role " + choice + ": choose None, Read, Write or Admin."));
            }
        }
        Identity who = owner.caller();
        String namespace = namespace(owner);
        return robots.get(owner, shortName).compose(view -> current(owner, shortName).compose(roles -> {
            String robot = view.robot().name();
            var writes = new ArrayList<Future<?>>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String choice = choices.get(i);
                if (choice.equals(roles.getOrDefault(name, "none"))) continue;
                writes.add(OrganizationPages.administeredRepository(repositories, who, namespace, name).compose(repo ->
                        choice.equals("none") ? permissions.deleteAccountRole(who, repo, robot, ip)
                                : permissions.setAccountRole(who, repo, robot, choice, ip).mapEmpty()));
            }
            return Future.all(writes).mapEmpty();
        }));
    }
}
