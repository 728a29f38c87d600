package io.berth.registry.auth;

import io.berth.registry.auth.OAuthTokenRepository.Application;
import io.berth.registry.auth.OAuthTokenRepository.TokenView;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.Avatar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * OAuth applications of an organization and the tokens minted under them (quay-api.md §3.2), and the public
 * {@code GET /api/v1/app/<client_id>}.
 */
public final class ApplicationApi {
    private final ApplicationService applications;

    public ApplicationApi(ApplicationService applications) {
        this.applications = applications;
    }

    public void mount(Router api) {
        String base = "/organization/:org/applications";
        api.get(base).handler(this::list);
        api.post(base).handler(this::create);
        api.get(base + "/:client_id").handler(this::get);
        api.put(base + "/:client_id").handler(this::update);
        api.delete(base + "/:client_id").handler(this::delete);
        api.post(base + "/:client_id/resetclientsecret").handler(this::resetSecret);
        api.get(base + "/:client_id/tokens").handler(this::tokens);
        api.post(base + "/:client_id/tokens").handler(this::mint);
        api.delete(base + "/:client_id/tokens/:uuid").handler(this::revoke);
        api.get("/app/:client_id").handler(this::publicView);
    }

    private void list(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.list(who, ctx.pathParam("org"))
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(app -> out.add(view(app)));
                    Http.json(ctx, 200, new JsonObject().put("applications", out));
                })
                .onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        JsonObject body = Http.jsonBody(ctx);
        applications.create(who, ctx.pathParam("org"), fields(body, false), Http.clientIp(ctx))
                .onSuccess(app -> Http.json(ctx, 200, view(app)))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.get(who, ctx.pathParam("org"), ctx.pathParam("client_id"))
                .onSuccess(app -> Http.json(ctx, 200, view(app)))
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        JsonObject body = Http.jsonBody(ctx);
        applications.update(who, ctx.pathParam("org"), ctx.pathParam("client_id"), fields(body, true), Http.clientIp(ctx))
                .onSuccess(app -> Http.json(ctx, 200, view(app)))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.delete(who, ctx.pathParam("org"), ctx.pathParam("client_id"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void resetSecret(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.resetSecret(who, ctx.pathParam("org"), ctx.pathParam("client_id"), Http.clientIp(ctx))
                .onSuccess(app -> Http.json(ctx, 200, view(app)))
                .onFailure(ctx::fail);
    }

    private void tokens(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.tokens(who, ctx.pathParam("org"), ctx.pathParam("client_id"))
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(t -> out.add(tokenView(t)));
                    Http.json(ctx, 200, new JsonObject().put("tokens", out));
                })
                .onFailure(ctx::fail);
    }

    private void mint(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        JsonObject body = Http.jsonBody(ctx);
        Number expiration = Http.optional(body, "expiration", Number.class, "number");
        applications.mint(who, ctx.pathParam("org"), ctx.pathParam("client_id"), Http.requiredString(body, "name"),
                        Http.requiredString(body, "scope"), expiration == null ? null : expiration.longValue(),
                        Http.clientIp(ctx))
                .onSuccess(minted -> Http.json(ctx, 200, tokenView(minted.view()).put("token", minted.token())))
                .onFailure(ctx::fail);
    }

    private void revoke(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "org:admin");
        applications.revokeToken(who, ctx.pathParam("org"), ctx.pathParam("client_id"), ctx.pathParam("uuid"),
                        Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void publicView(RoutingContext ctx) {
        applications.find(ctx.pathParam("client_id"))
                .onSuccess(app -> Http.json(ctx, 200, new JsonObject()
                        .put("name", app.name())
                        .put("description", app.description())
                        .put("uri", app.applicationUri())
                        .put("avatar", Avatar.of(app.name(), app.avatarEmail() != null ? app.avatarEmail() : app.ownerEmail(), "app"))
                        .put("organization", new JsonObject().put("name", app.owner())
                                .put("avatar", Avatar.of(app.owner(), app.ownerEmail(), "org")))))
                .onFailure(ctx::fail);
    }

    /** Quay's application view; only admins reach it, so it carries the client secret. */
    private JsonObject view(Application app) {
        return new JsonObject()
                .put("name", app.name())
                .put("description", app.description())
                .put("application_uri", app.applicationUri())
                .put("client_id", app.clientId())
                .put("client_secret", applications.clientSecret(app))
                .put("redirect_uri", app.redirectUri())
                .put("avatar_email", app.avatarEmail());
    }

    private static JsonObject tokenView(TokenView t) {
        return new JsonObject()
                .put("uuid", t.uuid().toString())
                .put("name", t.name())
                .put("scope", t.scope())
                .put("expires_at", iso(t.expiresAt()))
                .put("created", iso(t.created()))
                .put("created_by", t.createdBy())
                .put("last_accessed", iso(t.lastAccessed()));
    }

    private static ApplicationService.Fields fields(JsonObject body, boolean update) {
        var fields = new ApplicationService.Fields(Http.optionalString(body, "name"),
                Http.optionalString(body, "description"), Http.optionalString(body, "redirect_uri"),
                Http.optionalString(body, "application_uri"), Http.optionalString(body, "avatar_email"));
        if (update) {
            // Quay's UpdateApp schema requires these three
            Http.requiredString(body, "redirect_uri");
            Http.requiredString(body, "application_uri");
        }
        return fields;
    }

    private static String iso(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "Z";
    }
}
