package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code /api/v1/user/initialize}, {@code /api/v1/user/} and {@code /api/v1/users/<name>} (quay-api.md §3.1). */
public final class UserApi {
    private final BerthConfig config;
    private final UserService users;
    private final CredentialService credentials;
    private final Authorizer authorizer;

    public UserApi(BerthConfig config, UserService users, CredentialService credentials, Authorizer authorizer) {
        this.config = config;
        this.users = users;
        this.credentials = credentials;
        this.authorizer = authorizer;
    }

    public void mount(Router api) {
        if (config.featureUserInitialize()) api.post("/user/initialize").handler(this::initialize);
        if (config.featureUserCreation()) api.post("/user/").handler(this::create);
        api.get("/user/").handler(this::current);
        api.put("/user/").handler(this::update);
        api.get("/users/:username").handler(this::publicView);
    }

    private void initialize(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String password = body.getString("password");
        users.initialize(body.getString("username"), password, body.getString("email"),
                        Boolean.TRUE.equals(body.getValue("access_token")), Http.clientIp(ctx))
                .onSuccess(created -> {
                    var out = new JsonObject()
                            .put("username", created.account().username())
                            .put("email", created.account().email())
                            .put("encrypted_password", credentials.encryptedPassword(password));
                    if (created.accessToken() != null) out.put("access_token", created.accessToken());
                    Http.json(ctx, 200, out);
                })
                .onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        users.create(body.getString("username"), body.getString("password"), body.getString("email"), Http.clientIp(ctx))
                .onSuccess(account -> Http.json(ctx, 200, privateView(account, identityOf(account))))
                .onFailure(ctx::fail);
    }

    private void current(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (who == null || who.anonymous()) {
            throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication",
                    java.util.Map.of("session_required", false));
        }
        ApiAuth.require(ctx, "user:read");
        users.find(who.username())
                .onSuccess(account -> {
                    if (account == null) ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "User not found"));
                    else Http.json(ctx, 200, privateView(account, who));
                })
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "user:admin");
        users.update(who, UserService.Changes.of(Http.jsonBody(ctx)), Http.clientIp(ctx))
                .onSuccess(account -> Http.json(ctx, 200, privateView(account, who)))
                .onFailure(ctx::fail);
    }

    private void publicView(RoutingContext ctx) {
        users.find(ctx.pathParam("username"))
                .onSuccess(account -> {
                    if (account == null || !account.isUser()) {
                        ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "User not found"));
                    } else {
                        Http.json(ctx, 200, new JsonObject().put("anonymous", false)
                                .put("username", account.username()).put("avatar", avatar(account)));
                    }
                })
                .onFailure(ctx::fail);
    }

    private JsonObject privateView(Account account, Identity who) {
        var view = new JsonObject()
                .put("anonymous", false)
                .put("username", account.username())
                .put("avatar", avatar(account))
                .put("can_create_repo", true)
                .put("is_me", true)
                .put("verified", account.verified())
                .put("email", account.email())
                .put("logins", new JsonArray())
                .put("invoice_email", false)
                .put("invoice_email_address", null)
                .put("preferred_namespace", false)
                .put("tag_expiration_s", account.removedTagExpirationS())
                .put("prompts", new JsonArray())
                .put("company", null)
                .put("family_name", null)
                .put("given_name", null)
                .put("location", null)
                .put("is_free_account", true)
                .put("has_password_set", account.passwordHash() != null)
                .put("organizations", new JsonArray());
        if (authorizer.isSuperUser(who)) view.put("super_user", true);
        return view;
    }

    private static Identity identityOf(Account account) {
        return new Identity(account.id(), account.username(), Identity.Kind.USER, null);
    }

    /** Quay's avatar object: a colour and hash derived from the e-mail (or name). */
    static JsonObject avatar(Account account) {
        String seed = account.email() != null ? account.email() : account.username();
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(seed.trim().toLowerCase().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String[] colors = {"#969696", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896",
                "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22",
                "#1f77b4", "#17becf", "#9edae5", "#393b79"};
        return new JsonObject().put("name", account.username()).put("hash", hash)
                .put("color", colors[Integer.parseInt(hash.substring(0, 2), 16) % colors.length])
                .put("kind", account.kind().equals("organization") ? "org" : account.kind());
    }
}
