package io.berth.registry.iam;

import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/entities/<prefix>?namespace=&includeTeams=&includeOrgs=} (quay-api.md §3, Quay's
 * EntitySearch), in Quay's shapes: a robot is {@code kind: "user"} with {@code is_robot: true}; teams and the
 * organization carry {@code is_org_member}, users and robots only when the namespace is an organization the caller is
 * in.
 */
public final class EntityApi {
    private final EntityService entities;

    public EntityApi(EntityService entities) {
        this.entities = entities;
    }

    public void mount(Router api) {
        api.get("/entities/:prefix").handler(this::search);
    }

    private void search(RoutingContext ctx) {
        String namespace = ctx.queryParams().get("namespace");
        var query = new EntityService.Query(ctx.pathParam("prefix"), namespace == null ? "" : namespace,
                Http.flag(ctx, "includeTeams", false), Http.flag(ctx, "includeOrgs", false));
        entities.search(ApiAuth.identity(ctx), query)
                .onSuccess(list -> {
                    var results = new JsonArray();
                    list.forEach(e -> results.add(render(e)));
                    Http.json(ctx, 200, new JsonObject().put("results", results));
                })
                .onFailure(ctx::fail);
    }

    private static JsonObject render(EntityService.Entity e) {
        boolean account = e.kind().equals("user") || e.kind().equals("robot");
        var out = new JsonObject().put("name", e.name()).put("kind", account ? "user" : e.kind());
        if (account) out.put("is_robot", e.kind().equals("robot"));
        out.put("avatar", e.avatar());
        if (e.organizationMember() != null) out.put("is_org_member", e.organizationMember());
        return out;
    }
}
