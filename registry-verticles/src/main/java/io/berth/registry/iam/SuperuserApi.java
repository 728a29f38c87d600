package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The superuser panel's API (quay-api.md §3.17). Every call needs a superuser with {@code super:user} and, from a
 * browser session, a fresh login.
 */
public final class SuperuserApi {
    private static final int MAX_LIMIT = 100;

    private final SuperuserService superusers;
    private final CredentialService credentials;

    public SuperuserApi(SuperuserService superusers, CredentialService credentials) {
        this.superusers = superusers;
        this.credentials = credentials;
    }

    public void mount(Router api) {
        api.get("/superuser/users/").handler(this::listUsers);
        api.post("/superuser/users/").handler(this::createUser);
        api.get("/superuser/users/:username").handler(this::getUser);
        api.put("/superuser/users/:username").handler(this::updateUser);
        api.delete("/superuser/users/:username").handler(this::deleteUser);
        api.get("/superuser/organizations/").handler(this::listOrganizations);
        api.put("/superuser/organizations/:name").handler(this::renameOrganization);
        api.delete("/superuser/organizations/:name").handler(this::deleteOrganization);
        api.post("/superuser/takeownership/:namespace").handler(this::takeOwnership);
        // Quay's path says "superusers"
        if (superusers.sendsRecovery()) api.post("/superusers/users/:username/sendrecovery").handler(this::sendRecovery);
    }

    private void listUsers(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        boolean includeDisabled = !"false".equalsIgnoreCase(ctx.queryParams().get("disabled"));
        int limit = limit(ctx);
        superusers.users(who, includeDisabled, after(ctx), limit + 1)
                .onSuccess(list -> Http.json(ctx, 200, page(list, limit, "users", this::userView)))
                .onFailure(ctx::fail);
    }

    private void createUser(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        JsonObject body = Http.jsonBody(ctx);
        superusers.createUser(who, Http.requiredString(body, "username"), Http.optionalString(body, "email"), Http.clientIp(ctx))
                .onSuccess(created -> Http.json(ctx, 200, new JsonObject()
                        .put("username", created.account().username())
                        .put("email", created.account().email())
                        .put("password", created.password())
                        .put("encrypted_password", credentials.encryptedPassword(created.password()))))
                .onFailure(ctx::fail);
    }

    private void getUser(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        superusers.user(who, ctx.pathParam("username"))
                .onSuccess(account -> Http.json(ctx, 200, userView(account)))
                .onFailure(ctx::fail);
    }

    private void updateUser(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        JsonObject body = Http.jsonBody(ctx);
        Boolean enabled = Http.optional(body, "enabled", Boolean.class, "boolean");
        if (body.containsKey("superuser")) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "Superusers are named by SUPER_USERS in config.yaml and cannot be changed through the API");
        }
        String password = Http.optionalString(body, "password");
        superusers.updateUser(who, ctx.pathParam("username"), password, Http.optionalString(body, "email"),
                        enabled, Http.clientIp(ctx))
                .onSuccess(account -> {
                    var view = userView(account);
                    if (password != null) view.put("encrypted_password", credentials.encryptedPassword(password));
                    Http.json(ctx, 200, view);
                })
                .onFailure(ctx::fail);
    }

    private void deleteUser(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        superusers.deleteUser(who, ctx.pathParam("username"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void sendRecovery(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        superusers.sendRecovery(who, ctx.pathParam("username"))
                .onSuccess(email -> Http.json(ctx, 200, new JsonObject().put("email", email)))
                .onFailure(ctx::fail);
    }

    private void listOrganizations(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        int limit = limit(ctx);
        superusers.organizations(who, after(ctx), limit + 1)
                .onSuccess(list -> Http.json(ctx, 200, page(list, limit, "organizations", SuperuserApi::organizationView)))
                .onFailure(ctx::fail);
    }

    private void renameOrganization(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        JsonObject body = Http.jsonBody(ctx);
        superusers.renameOrganization(who, ctx.pathParam("name"), Http.requiredString(body, "name"), Http.clientIp(ctx))
                .onSuccess(org -> Http.json(ctx, 200, organizationView(org)))
                .onFailure(ctx::fail);
    }

    private void deleteOrganization(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        superusers.deleteOrganization(who, ctx.pathParam("name"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void takeOwnership(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "super:user");
        String namespace = ctx.pathParam("namespace");
        superusers.takeOwnership(who, namespace, Http.clientIp(ctx))
                .onSuccess(wasUser -> Http.json(ctx, 200, new JsonObject().put("namespace", namespace)))
                .onFailure(ctx::fail);
    }

    private JsonObject userView(Account account) {
        return new JsonObject()
                .put("kind", "user")
                .put("name", account.username())
                .put("username", account.username())
                .put("email", account.email())
                .put("verified", account.verified())
                .put("avatar", Avatar.of(account))
                .put("super_user", superusers.isSuperUser(account))
                .put("enabled", account.enabled());
    }

    private static JsonObject organizationView(Account org) {
        return new JsonObject().put("name", org.username()).put("email", org.email()).put("avatar", Avatar.of(org));
    }

    /** A page of at most {@code limit} items (one more was fetched) and, when more follow, {@code next_page}. */
    private static JsonObject page(List<Account> fetched, int limit, String key, Function<Account, JsonObject> view) {
        var items = new JsonArray();
        fetched.stream().limit(limit).forEach(a -> items.add(view.apply(a)));
        var out = new JsonObject().put(key, items);
        if (fetched.size() > limit) {
            out.put("next_page", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(fetched.get(limit - 1).username().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static String after(RoutingContext ctx) {
        String token = ctx.queryParams().get("next_page");
        if (token == null || token.isEmpty()) return null;
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid next_page token");
        }
    }

    private static int limit(RoutingContext ctx) {
        String value = ctx.queryParams().get("limit");
        if (value == null || value.isEmpty()) return MAX_LIMIT;
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) return limit;
        } catch (NumberFormatException e) {
            // fall through to the 400
        }
        throw new BerthException(ErrorCode.INVALID_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
