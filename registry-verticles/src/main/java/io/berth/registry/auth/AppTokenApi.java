package io.berth.registry.auth;

import io.berth.registry.auth.AppTokenRepository.AppToken;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Dates;
import io.berth.registry.http.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The caller's app-specific tokens, {@code /api/v1/user/apptoken} (quay-api.md §3.16), mounted only with
 * {@code FEATURE_APP_SPECIFIC_TOKENS}. As in Quay, creating a token, reading one back (with its code) and revoking
 * one need a fresh login; listing does not and never shows codes.
 */
public final class AppTokenApi {
    private final AppTokenService tokens;

    public AppTokenApi(AppTokenService tokens) {
        this.tokens = tokens;
    }

    public void mount(Router api) {
        api.get("/user/apptoken").handler(this::list);
        api.post("/user/apptoken").handler(this::create);
        api.get("/user/apptoken/:uuid").handler(this::get);
        api.delete("/user/apptoken/:uuid").handler(this::revoke);
    }

    /**
     * {@code GET /api/v1/superuser/apptokens}: every user's tokens, without codes, in the user listing's shape (Quay's
     * SuperUserAppTokens); mounted only with {@code FEATURE_SUPER_USERS} too. Superuser, {@code super:user} and a fresh
     * login, as the rest of the superuser API.
     */
    public void mountSuperuser(Router api) {
        api.get("/superuser/apptokens").handler(this::listAll);
    }

    private void list(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "user:admin");
        Boolean expiring = expiring(ctx);
        listed(ctx, tokens.list(who, Boolean.TRUE.equals(expiring)), expiring);
    }

    private void listAll(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        Boolean expiring = expiring(ctx);
        listed(ctx, tokens.listAll(who, Boolean.TRUE.equals(expiring)), expiring);
    }

    /** Quay echoes the parsed {@code expiring} flag: null when it was not asked. */
    private static Boolean expiring(RoutingContext ctx) {
        return ctx.queryParams().contains("expiring") ? Http.flag(ctx, "expiring", false) : null;
    }

    private static void listed(RoutingContext ctx, Future<List<AppToken>> found, Boolean expiring) {
        found.onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(t -> out.add(view(t)));
                    Http.json(ctx, 200, new JsonObject().put("tokens", out).put("only_expiring", expiring));
                })
                .onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "user:admin");
        String title = Http.requiredString(Http.jsonBody(ctx), "title");
        tokens.create(who, title, Http.clientIp(ctx))
                .onSuccess(token -> Http.json(ctx, 200, new JsonObject().put("token", withCode(token))))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "user:admin");
        tokens.get(who, ctx.pathParam("uuid"))
                .onSuccess(token -> Http.json(ctx, 200, new JsonObject().put("token", withCode(token))))
                .onFailure(ctx::fail);
    }

    private void revoke(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "user:admin");
        tokens.revoke(who, ctx.pathParam("uuid"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private JsonObject withCode(AppToken token) {
        return view(token).put("token_code", tokens.code(token));
    }

    /** Quay's token view; dates in RFC 2822, null when unset. */
    private static JsonObject view(AppToken token) {
        return new JsonObject()
                .put("uuid", token.uuid().toString())
                .put("title", token.title())
                .put("last_accessed", Dates.rfc2822(token.lastAccessed()))
                .put("created", Dates.rfc2822(token.created()))
                .put("expiration", Dates.rfc2822(token.expiration()));
    }
}
