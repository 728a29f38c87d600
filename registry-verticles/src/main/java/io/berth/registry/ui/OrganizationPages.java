package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.registry.auth.ApplicationService;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.iam.RobotService;
import io.berth.registry.iam.TeamService;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Create New Organization and the organization page with Quay's tabs: Repositories and Teams and Membership for its
 * members; Robot Accounts, Default Permissions, Applications and Settings (and a link to Usage Logs) for its admins.
 * The services check permissions with the Authorizer and write the usage log; a refusal looks like a missing page.
 */
final class OrganizationPages {
    /** How many repositories, robots and other rows a tab lists. */
    static final int MAX_LISTED = 200;
    /** The tabs, and whether only administrators see them. */
    private static final Map<String, Boolean> TABS = Map.of("repos", false, "teams", false, "robots", true,
            "defaults", true, "applications", true, "settings", true);

    private final Pages pages;
    private final OrganizationService organizations;
    private final TeamService teams;
    private final RobotService robots;
    private final RepositoryService repositories;
    private final PermissionService permissions;
    private final ApplicationService applications;
    private final NamespaceService namespaces;

    OrganizationPages(Pages pages, OrganizationService organizations, TeamService teams,
                      RobotService robots, RepositoryService repositories, PermissionService permissions,
                      ApplicationService applications, NamespaceService namespaces) {
        this.pages = pages;
        this.organizations = organizations;
        this.teams = teams;
        this.robots = robots;
        this.repositories = repositories;
        this.permissions = permissions;
        this.applications = applications;
        this.namespaces = namespaces;
    }

    void mount(Router router) {
        router.get("/organizations/new").handler(ctx -> newForm(ctx, 200, null, "", ""));
        router.post("/organizations/new").handler(this::create);
        router.get("/organization/:org").handler(this::show);
        router.post("/organization/:org").handler(this::change);
    }

    private void newForm(RoutingContext ctx, int status, String error, String name, String email) {
        if (ApiAuth.identity(ctx).anonymous()) {
            Pages.signInFirst(ctx);
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

    /** The organization page's tab ({@code ?tab=}); a tab the caller may not see is a 404, as is the page to outsiders. */
    private void show(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String tab = ctx.get("tab", ctx.request().getParam("tab", "repos"));
        organizations.view(who, org).compose(view -> {
            if (!view.member() || !TABS.containsKey(tab) || TABS.get(tab) && !view.admin()) {
                return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            }
            var model = new HashMap<String, Object>();
            model.put("title", org);
            model.put("org", org);
            model.put("tab", tab);
            model.put("admin", view.admin());
            model.put("typed", ctx.request().method() == HttpMethod.POST ? typed(ctx) : Map.of());
            model.put("notice", Pages.notice(ctx));
            return tab(ctx, who, org, tab, view, model).map(model);
        }).onSuccess(model -> pages.render(ctx, Pages.rejection(ctx, model), "organization", model))
                .onFailure(ctx::fail);
    }

    /** The form fields as typed, so that a rejected form keeps them. */
    private static Map<String, String> typed(RoutingContext ctx) {
        var out = new HashMap<String, String>();
        ctx.request().formAttributes().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Loads what the tab shows into the model. */
    private Future<Void> tab(RoutingContext ctx, Identity who, String org, String tab, OrganizationService.View view,
                             Map<String, Object> model) {
        return switch (tab) {
            case "repos" -> repositories.listNamespace(who, org, MAX_LISTED).map(list -> {
                model.put("repositories", list.stream()
                        .map(r -> Map.of("path", r.path(), "visibility", r.visibility())).toList());
                return null;
            });
            case "teams" -> {
                model.put("teams", view.teams().stream().map(t -> Map.of(
                        "name", t.summary().team().name(), "role", t.summary().team().role(),
                        "description", t.summary().team().description(), "members", t.summary().memberCount(),
                        "repositories", t.summary().repositoryCount(), "canView", t.canView())).toList());
                yield Future.succeededFuture();
            }
            case "robots" -> robots.list(new RobotService.Owner(who, org), true, false, MAX_LISTED).map(list -> {
                model.put("robots", list.stream().map(r -> Map.of("name", r.robot().name(),
                        "short", r.robot().name().substring(org.length() + 1),
                        "description", r.robot().description() == null ? "" : r.robot().description(),
                        "teams", String.join(", ", r.teams()),
                        "repositories", r.repositories().size())).toList());
                return null;
            });
            case "defaults" -> permissions.prototypes(who, org).map(list -> {
                model.put("prototypes", list.stream().map(OrganizationPages::prototype).toList());
                return null;
            });
            case "applications" -> applications.list(who, org).map(list -> {
                model.put("applications", list.stream().map(a -> Map.of("name", a.name(), "clientId", a.clientId(),
                        "uri", a.applicationUri())).toList());
                return null;
            });
            default -> {
                var account = view.organization();
                model.put("email", account.email() == null ? "" : account.email());
                model.put("windows", namespaces.tagExpirationOptions().stream().map(seconds -> Map.of("seconds",
                        seconds, "label", Pages.window(seconds), "current", seconds == account.removedTagExpirationS()))
                        .toList());
                model.put("window", Pages.window(account.removedTagExpirationS()));
                model.put("timeMachine", namespaces.tagExpirationChangeable());
                yield Future.succeededFuture();
            }
        };
    }

    private static Map<String, Object> prototype(PermissionRepository.Prototype p) {
        var m = new HashMap<String, Object>();
        m.put("id", p.uuid().toString());
        m.put("activating", p.activating() == null ? "" : p.activating().name());
        m.put("delegate", p.delegate().name());
        m.put("kind", p.delegate().kind().equals("team") ? "team" : p.delegate().name().contains("+") ? "robot" : "user");
        m.put("role", p.role().apiName());
        return m;
    }


    /** The forms of the organization page, by their {@code action} field; each goes back to its tab. */
    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        String base = "/organization/" + org;
        Future<String> done = Future.future(p -> (switch (action) {
            case "team" -> createTeam(ctx, who, org, ip).map(saved -> base + "/teams/" + saved.team().name());
            case "team-role" -> teams.save(who, org, Pages.form(ctx, "team"), Pages.form(ctx, "role"), null, ip)
                    .map(base + "?tab=teams&done=team-role");
            case "delete-team" -> teams.delete(who, org, Pages.form(ctx, "team"), ip)
                    .map(base + "?tab=teams&done=team-deleted");
            case "robot" -> robots.create(new RobotService.Owner(who, org), Pages.form(ctx, "name"),
                            Pages.form(ctx, "description"), new JsonObject(), ip)
                    .map(view -> base + "/robots/" + Pages.form(ctx, "name"));
            case "delete-robot" -> robots.delete(new RobotService.Owner(who, org), Pages.form(ctx, "robot"), ip)
                    .map(base + "?tab=robots&done=robot-deleted");
            case "prototype" -> createPrototype(ctx, who, org, ip).map(base + "?tab=defaults&done=prototype");
            case "prototype-role" -> permissions.updatePrototype(who, org, Pages.form(ctx, "id"), Pages.form(ctx, "role"), ip)
                    .map(base + "?tab=defaults&done=prototype");
            case "delete-prototype" -> permissions.deletePrototype(who, org, Pages.form(ctx, "id"), ip)
                    .map(base + "?tab=defaults&done=prototype-deleted");
            case "application" -> applications.create(who, org, ApplicationPages.fields(ctx), ip)
                    .map(app -> base + "/applications/" + app.clientId());
            case "email" -> organizations.update(who, org, new OrganizationService.Changes(Pages.form(ctx, "email"),
                    null, null, null), ip).map(base + "?tab=settings&done=email");
            case "time-machine" -> organizations.update(who, org, new OrganizationService.Changes(null, null, null,
                    Pages.windowSeconds(Pages.form(ctx, "seconds"))), ip).map(base + "?tab=settings&done=time-machine");
            case "delete" -> {
                Identity fresh = ApiAuth.requireFresh(ctx, "org:admin");
                Pages.requireTyped(ctx, org, org, "the organization");
                yield namespaces.deleteOrganization(fresh, org, ip).map("/repository?deleted");
            }
            default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
        }).onComplete(p));
        ctx.put("tab", switch (action) {
            case "team", "team-role", "delete-team" -> "teams";
            case "robot", "delete-robot" -> "robots";
            case "prototype", "prototype-role", "delete-prototype" -> "defaults";
            case "application" -> "applications";
            default -> "settings";
        });
        done.onSuccess(target -> Pages.redirect(ctx, target)).onFailure(err -> Pages.rejectForm(ctx, err, action, () -> show(ctx)));
    }

    /**
     * Create New Team: the service's save also updates an existing team, so a name already taken is refused here, as
     * Quay's page does before it calls the API.
     */
    private Future<TeamService.Saved> createTeam(RoutingContext ctx, Identity who, String org, String ip) {
        String name = Pages.form(ctx, "name");
        return organizations.view(who, org).compose(view -> {
            if (view.teams() != null && view.teams().stream().anyMatch(t -> t.summary().team().name().equals(name))) {
                return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "A team named " + name
                        + " already exists."));
            }
            return teams.save(who, org, name, Pages.form(ctx, "role"), Pages.form(ctx, "description"), ip);
        });
    }

    /** A new default permission: for anyone's new repositories or one creator's, granted to a user, robot or team. */
    private Future<PermissionRepository.Prototype> createPrototype(RoutingContext ctx, Identity who, String org, String ip) {
        String activating = Pages.form(ctx, "activating");
        String delegate = Pages.form(ctx, "delegate");
        if (Pages.form(ctx, "applies").equals("creator") && activating.isEmpty()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Name the user or robot whose new repositories it applies to.");
        }
        if (delegate.isEmpty()) throw new BerthException(ErrorCode.INVALID_REQUEST, "Name the user, robot or team to grant the role to.");
        return permissions.createPrototype(who, org, Pages.form(ctx, "role"),
                Pages.form(ctx, "applies").equals("creator") ? activating : null, delegate,
                Pages.form(ctx, "kind").equals("team") ? "team" : "user", ip);
    }

    /** The repository of the organization named in a form, for one of its admins; an unknown one is a form error. */
    static Future<RepositoryRecord> administeredRepository(RepositoryService repositories, Identity who, String org,
                                                          String name) {
        if (name.isEmpty()) return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Choose a repository."));
        return repositories.authorize(who, org, name, Role.ADMIN, "repo:admin")
                .map(RepositoryService.Access::repository)
                .recover(err -> Future.failedFuture(err instanceof BerthException e && e.code() == ErrorCode.NOT_FOUND
                        ? new BerthException(ErrorCode.INVALID_REQUEST, "No repository " + org + "/" + name) : err));
    }

    /** The organization's repositories as choices for a permission form (its admins see them all). */
    static Future<List<String>> repositoryNames(RepositoryService repositories, Identity who, String org) {
        return repositories.listNamespace(who, org, MAX_LISTED)
                .map(list -> list.stream().map(RepositoryRecord::name).sorted().toList());
    }
}
