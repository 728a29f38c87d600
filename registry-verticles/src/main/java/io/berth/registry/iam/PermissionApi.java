package io.berth.registry.iam;

import io.berth.model.iam.Role;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Repository permissions of users, robots and teams (quay-api.md §3.6), for the repository's admins, and an
 * organization's default permissions (§3.7), for its admins. Mounted before the repository API, whose path pattern
 * would otherwise take these paths for nested repository names.
 */
public final class PermissionApi {
    private static final String REPO = "/repository/(?<namespace>[^/]+)/(?<name>.+)/permissions";

    private final RepositoryService repositories;
    private final PermissionService permissions;

    public PermissionApi(RepositoryService repositories, PermissionService permissions) {
        this.repositories = repositories;
        this.permissions = permissions;
    }

    public void mount(Router api) {
        api.routeWithRegex(HttpMethod.GET, REPO + "/user/").handler(this::listUsers);
        api.routeWithRegex(HttpMethod.GET, REPO + "/user/(?<username>[^/]+)/transitive").handler(this::transitive);
        api.routeWithRegex(HttpMethod.GET, REPO + "/user/(?<username>[^/]+)").handler(this::getUser);
        api.routeWithRegex(HttpMethod.PUT, REPO + "/user/(?<username>[^/]+)").handler(this::setUser);
        api.routeWithRegex(HttpMethod.DELETE, REPO + "/user/(?<username>[^/]+)").handler(this::deleteUser);
        api.routeWithRegex(HttpMethod.GET, REPO + "/team/").handler(this::listTeams);
        api.routeWithRegex(HttpMethod.GET, REPO + "/team/(?<team>[^/]+)").handler(this::getTeam);
        api.routeWithRegex(HttpMethod.PUT, REPO + "/team/(?<team>[^/]+)").handler(this::setTeam);
        api.routeWithRegex(HttpMethod.DELETE, REPO + "/team/(?<team>[^/]+)").handler(this::deleteTeam);
        api.get("/organization/:org/prototypes").handler(this::listPrototypes);
        api.post("/organization/:org/prototypes").handler(this::createPrototype);
        api.put("/organization/:org/prototypes/:id").handler(this::updatePrototype);
        api.delete("/organization/:org/prototypes/:id").handler(this::deletePrototype);
    }

    /** The repository of the path, when the caller administers it. */
    private Future<RepositoryRecord> administered(RoutingContext ctx) {
        return repositories.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"),
                Role.ADMIN, "repo:admin").map(RepositoryService.Access::repository);
    }

    private void listUsers(RoutingContext ctx) {
        administered(ctx).compose(repo -> permissions.accountGrants(repo).map(grants -> {
                    var out = new JsonObject();
                    grants.forEach(g -> out.put(g.account().username(), render(g)));
                    return new JsonObject().put("permissions", out);
                }))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void getUser(RoutingContext ctx) {
        administered(ctx).compose(repo -> permissions.accountGrant(repo, ctx.pathParam("username"))
                        .map(g -> render(g)))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void setUser(RoutingContext ctx) {
        String role = Http.requiredString(Http.jsonBody(ctx), "role");
        Identity who = ApiAuth.identity(ctx);
        administered(ctx).compose(repo -> permissions.setAccountRole(who, repo, ctx.pathParam("username"), role,
                                Http.clientIp(ctx))
                        .map(g -> render(g)))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void deleteUser(RoutingContext ctx) {
        administered(ctx).compose(repo -> permissions.deleteAccountRole(ApiAuth.identity(ctx), repo,
                        ctx.pathParam("username"), Http.clientIp(ctx)))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void transitive(RoutingContext ctx) {
        administered(ctx).compose(repo -> permissions.transitive(repo, ctx.pathParam("username")))
                .onSuccess(roles -> {
                    var out = new JsonArray();
                    roles.forEach(role -> out.add(new JsonObject().put("role", role.apiName())));
                    Http.json(ctx, 200, new JsonObject().put("permissions", out));
                })
                .onFailure(ctx::fail);
    }

    private void listTeams(RoutingContext ctx) {
        administered(ctx).compose(permissions::teamGrants)
                .onSuccess(grants -> {
                    var out = new JsonObject();
                    grants.forEach((team, role) -> out.put(team, team(team, role)));
                    Http.json(ctx, 200, new JsonObject().put("permissions", out));
                })
                .onFailure(ctx::fail);
    }

    private void getTeam(RoutingContext ctx) {
        String team = ctx.pathParam("team");
        administered(ctx).compose(repo -> permissions.teamGrant(repo, team))
                .onSuccess(role -> Http.json(ctx, 200, team(team, role)))
                .onFailure(ctx::fail);
    }

    private void setTeam(RoutingContext ctx) {
        String role = Http.requiredString(Http.jsonBody(ctx), "role");
        String team = ctx.pathParam("team");
        administered(ctx).compose(repo -> permissions.setTeamRole(ApiAuth.identity(ctx), repo, team, role,
                        Http.clientIp(ctx)))
                .onSuccess(granted -> Http.json(ctx, 200, team(team, granted)))
                .onFailure(ctx::fail);
    }

    private void deleteTeam(RoutingContext ctx) {
        administered(ctx).compose(repo -> permissions.deleteTeamRole(ApiAuth.identity(ctx), repo,
                        ctx.pathParam("team"), Http.clientIp(ctx)))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void listPrototypes(RoutingContext ctx) {
        permissions.prototypes(ApiAuth.identity(ctx), ctx.pathParam("org"))
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(p -> out.add(render(p)));
                    Http.json(ctx, 200, new JsonObject().put("prototypes", out));
                })
                .onFailure(ctx::fail);
    }

    private void createPrototype(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        JsonObject activating = Http.optional(body, "activating_user", JsonObject.class, "object");
        JsonObject delegate = Http.optional(body, "delegate", JsonObject.class, "object");
        permissions.createPrototype(ApiAuth.identity(ctx), ctx.pathParam("org"), Http.requiredString(body, "role"),
                        activating == null ? null : Http.optionalString(activating, "name"),
                        delegate == null ? null : Http.optionalString(delegate, "name"),
                        delegate == null ? null : Http.optionalString(delegate, "kind"), Http.clientIp(ctx))
                .onSuccess(p -> Http.json(ctx, 200, render(p)))
                .onFailure(ctx::fail);
    }

    private void updatePrototype(RoutingContext ctx) {
        String role = Http.requiredString(Http.jsonBody(ctx), "role");
        permissions.updatePrototype(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("id"), role,
                        Http.clientIp(ctx))
                .onSuccess(p -> Http.json(ctx, 200, render(p)))
                .onFailure(ctx::fail);
    }

    private void deletePrototype(RoutingContext ctx) {
        permissions.deletePrototype(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("id"),
                        Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static JsonObject render(PermissionRepository.AccountGrant grant) {
        Account account = grant.account();
        var out = new JsonObject().put("role", grant.role().apiName()).put("name", account.username())
                .put("is_robot", account.isRobot()).put("avatar", Avatar.of(account));
        if (grant.organizationMember() != null) out.put("is_org_member", grant.organizationMember());
        return out;
    }

    private static JsonObject team(String name, Role role) {
        return new JsonObject().put("role", role.apiName()).put("name", name).put("avatar", Avatar.of(name, null, "team"));
    }

    private static JsonObject render(PermissionRepository.Prototype p) {
        return new JsonObject().put("id", p.uuid().toString()).put("role", p.role().apiName())
                .put("activating_user", p.activating() == null ? null : party(p.activating()))
                .put("delegate", party(p.delegate()));
    }

    private static JsonObject party(PermissionRepository.Party party) {
        if (party.kind().equals("team")) {
            return new JsonObject().put("name", party.name()).put("kind", "team")
                    .put("avatar", Avatar.of(party.name(), null, "team"));
        }
        return new JsonObject().put("name", party.name()).put("kind", "user")
                .put("is_robot", party.kind().equals("robot")).put("is_org_member", party.organizationMember())
                .put("avatar", Avatar.of(party.name(), party.email(), party.kind()));
    }
}
