package io.berth.registry.iam;

import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** Organizations (quay-api.md §3.2): create, view, change (the time-machine window) and delete. */
public final class OrganizationApi {
    private final Pool pool;
    private final OrganizationService organizations;
    private final Authorizer authorizer;
    private final NamespaceService namespaces;

    public OrganizationApi(Pool pool, OrganizationService organizations, Authorizer authorizer,
                           NamespaceService namespaces) {
        this.pool = pool;
        this.organizations = organizations;
        this.authorizer = authorizer;
        this.namespaces = namespaces;
    }

    public void mount(Router api) {
        api.post("/organization/").handler(this::create);
        api.get("/organization/:org").handler(this::view);
        api.put("/organization/:org").handler(this::update);
        api.delete("/organization/:org").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "user:admin");
        JsonObject body = Http.jsonBody(ctx);
        String email = body.getString("email", body.getString("contact_email"));
        organizations.create(who, body.getString("name"), email, Http.clientIp(ctx))
                .onSuccess(org -> Http.json(ctx, 201, "Created"))
                .onFailure(ctx::fail);
    }

    private void view(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        organizations.find(ctx.pathParam("org"))
                .compose(org -> view(who, org))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    /** Changes the organization's time-machine window ({@code tag_expiration_s}); org:admin. */
    private void update(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        namespaces.updateOrganization(who, ctx.pathParam("org"), NamespaceService.tagExpirationOf(Http.jsonBody(ctx)),
                        Http.clientIp(ctx))
                .compose(org -> view(who, org))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    private Future<JsonObject> view(Identity who, Account org) {
        return authorizer.administersNamespace(pool, who, org.username()).map(admin -> {
            var view = new JsonObject()
                    .put("name", org.username())
                    .put("avatar", Avatar.of(org))
                    .put("is_admin", admin)
                    .put("is_member", admin)
                    .put("tag_expiration_s", org.removedTagExpirationS())
                    .put("invoice_email", false)
                    .put("invoice_email_address", null);
            if (admin) view.put("email", org.email()).put("is_free_account", true);
            return view;
        });
    }

    /** Deletes the organization and everything it owns (org:admin and a fresh login). */
    private void delete(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "org:admin");
        namespaces.deleteOrganization(who, ctx.pathParam("org"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }
}
