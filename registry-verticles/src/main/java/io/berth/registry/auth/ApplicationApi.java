package io.berth.registry.auth;

import io.berth.registry.auth.OAuthTokenRepository.Application;
import io.berth.registry.auth.OAuthTokenRepository.Grant;
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
 * OAuth applications of an organization and the tokens minted under them (quay-api.md §3.2), the public
 * {@code GET /api/v1/app/<client_id>}, and the caller's own grants ({@code /api/v1/user/authorizations}).
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
        api.get("/user/authorizations").handler(this::authorizations);
        api.get("/user/authorizations/:uuid").handler(this::authorization);
        api.delete("/user/authorizations/:uuid").handler(this::revokeAuthorization);
    }

    private void authorizations(RoutingContext ctx) {
        applications.authorizations(ApiAuth.identity(ctx))
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(grant -> out.add(grantView(grant)));
                    Http.json(ctx, 200, new JsonObject().put("authorizations", out));
                })
                .onFailure(ctx::fail);
    }

    private void authorization(RoutingContext ctx) {
        applications.authorization(ApiAuth.identity(ctx), ctx.pathParam("uuid"))
                .onSuccess(grant -> Http.json(ctx, 200, grantView(grant)))
                .onFailure(ctx::fail);
    }

    private void revokeAuthorization(RoutingContext ctx) {
        applications.revokeAuthorization(ApiAuth.identity(ctx), ctx.pathParam("uuid"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
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
                .onSuccess(app -> Http.json(ctx, 200, publicApplication(app).put("uri", app.applicationUri())))
                .onFailure(ctx::fail);
    }

    /** What anyone may see of an application: its name, description, avatar and organization. */
    private static JsonObject publicApplication(Application app) {
        return new JsonObject()
                .put("name", app.name())
                .put("description", app.description())
                .put("avatar", Avatar.of(app.name(), app.avatarEmail() != null ? app.avatarEmail() : app.ownerEmail(), "app"))
                .put("organization", new JsonObject().put("name", app.owner())
                        .put("avatar", Avatar.of(app.owner(), app.ownerEmail(), "org")));
    }

    /** Quay's authorization view: the application (its URI as {@code url}), the scopes explained, the token's uuid. */
    private static JsonObject grantView(Grant grant) {
        var scopes = new JsonArray();
        OAuthScopes.described(grant.scope()).forEach((scope, description) -> scopes.add(new JsonObject()
                .put("scope", scope).put("description", description)
                .put("dangerous", OAuthScopes.DANGEROUS.contains(scope))));
        return new JsonObject()
                .put("application", publicApplication(grant.application()).put("url", grant.application().applicationUri()))
                .put("scopes", scopes)
                .put("uuid", grant.uuid().toString());
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
