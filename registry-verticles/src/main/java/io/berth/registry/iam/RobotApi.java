package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Dates;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Robot accounts of the calling user ({@code /api/v1/user/robots}) and of organizations
 * ({@code /api/v1/organization/<org>/robots}), quay-api.md §3.4, plus {@code …/credentials}: the robot's
 * credentials in Quay's download formats.
 */
public final class RobotApi {
    private final RobotService robots;

    public RobotApi(RobotService robots) {
        this.robots = robots;
    }

    public void mount(Router api) {
        for (String prefix : new String[]{"/user/robots", "/organization/:org/robots"}) {
            api.get(prefix).handler(this::list);
            api.get(prefix + "/:robot").handler(this::get);
            api.put(prefix + "/:robot").handler(this::create);
            api.delete(prefix + "/:robot").handler(this::delete);
            api.post(prefix + "/:robot/regenerate").handler(this::regenerate);
            api.get(prefix + "/:robot/permissions").handler(this::permissions);
            api.get(prefix + "/:robot/credentials").handler(this::credentials);
        }
    }

    private static RobotService.Owner owner(RoutingContext ctx) {
        return new RobotService.Owner(ApiAuth.identity(ctx), ctx.pathParam("org"));
    }

    private void list(RoutingContext ctx) {
        var params = ctx.queryParams();
        int limit = Integer.MAX_VALUE;
        if (params.get("limit") != null) {
            try {
                limit = Integer.parseInt(params.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) throw new BerthException(ErrorCode.INVALID_REQUEST, "limit must be a positive number");
        }
        robots.list(owner(ctx), "true".equalsIgnoreCase(params.get("permissions")),
                        !"false".equalsIgnoreCase(params.get("token")), limit)
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(view -> out.add(render(view)));
                    Http.json(ctx, 200, new JsonObject().put("robots", out));
                })
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        robots.get(owner(ctx), ctx.pathParam("robot"))
                .onSuccess(view -> Http.json(ctx, 200, render(view)))
                .onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        JsonObject body = Http.optionalJsonBody(ctx);
        robots.create(owner(ctx), ctx.pathParam("robot"), Http.optionalString(body, "description"),
                        Http.optional(body, "unstructured_metadata", JsonObject.class, "object"), Http.clientIp(ctx))
                .onSuccess(view -> Http.json(ctx, 201, render(view)))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        robots.delete(owner(ctx), ctx.pathParam("robot"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void regenerate(RoutingContext ctx) {
        robots.regenerate(owner(ctx), ctx.pathParam("robot"), Http.clientIp(ctx))
                .onSuccess(view -> Http.json(ctx, 200, render(view)))
                .onFailure(ctx::fail);
    }

    private void permissions(RoutingContext ctx) {
        robots.permissions(owner(ctx), ctx.pathParam("robot"))
                .onSuccess(list -> Http.json(ctx, 200,
                        new JsonObject().put("permissions", TeamApi.repositoryRoles(list))))
                .onFailure(ctx::fail);
    }

    private void credentials(RoutingContext ctx) {
        robots.credentials(owner(ctx), ctx.pathParam("robot"))
                .onSuccess(credentials -> Http.json(ctx, 200, credentials))
                .onFailure(ctx::fail);
    }

    private static JsonObject render(RobotService.View view) {
        var robot = view.robot();
        var out = new JsonObject()
                .put("name", robot.name())
                .put("created", Dates.rfc2822(robot.created()))
                .put("last_accessed", Dates.rfc2822(robot.lastAccessed()))
                .put("description", robot.description())
                .put("unstructured_metadata", robot.metadata());
        if (view.token() != null) out.put("token", view.token());
        if (view.teams() != null) {
            var teams = new JsonArray();
            view.teams().forEach(t -> teams.add(new JsonObject().put("name", t).put("avatar", Avatar.of(t, null, "team"))));
            var repositories = new JsonArray();
            view.repositories().forEach(g -> repositories.add(g.repository()));
            out.put("teams", teams).put("repositories", repositories);
        }
        return out;
    }
}
