package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.Sessions;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.http.PageFailureHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code /api/v1/user/initialize}, {@code /api/v1/user/} (sign-up, view, settings, delete) and
 * {@code /api/v1/users/<name>} (quay-api.md §3.1, §3.16), and the e-mail confirmation link {@code GET /confirm}.
 */
public final class UserApi {
    private final BerthConfig config;
    private final UserService users;
    private final NamespaceService namespaces;
    private final CredentialService credentials;
    private final Authorizer authorizer;
    private final ApiAuth auth;
    private final OrganizationService organizations;

    public UserApi(BerthConfig config, UserService users, NamespaceService namespaces, CredentialService credentials,
                   Authorizer authorizer, ApiAuth auth, OrganizationService organizations) {
        this.organizations = organizations;
        this.config = config;
        this.users = users;
        this.namespaces = namespaces;
        this.credentials = credentials;
        this.authorizer = authorizer;
        this.auth = auth;
    }

    public void mount(Router api) {
        if (config.featureUserInitialize()) api.post("/user/initialize").handler(this::initialize);
        if (config.featureUserCreation() && config.featureDirectLogin()) api.post("/user/").handler(this::create);
        api.get("/user/").handler(this::current);
        api.put("/user/").handler(this::update);
        api.delete("/user/").handler(this::delete);
        api.get("/users/:username").handler(this::publicView);
    }

    /** The confirmation link mailed for an e-mail change, outside /api/v1 as in Quay. */
    public void mountRoot(Router root) {
        root.get("/confirm").handler(this::confirm).failureHandler(new PageFailureHandler());
    }

    private void initialize(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String password = Http.optionalString(body, "password");
        users.initialize(Http.optionalString(body, "username"), password, Http.optionalString(body, "email"),
                        Boolean.TRUE.equals(body.getValue("access_token")), Http.clientIp(ctx))
                .compose(created -> auth.startSession(ctx, created.account().id()).map(created))
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

    /** Sign-up: the new user is signed in on this browser, as in Quay. */
    private void create(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        users.create(Http.optionalString(body, "username"), Http.optionalString(body, "password"),
                        Http.optionalString(body, "email"), Http.clientIp(ctx))
                .compose(account -> auth.startSession(ctx, account.id()).compose(v -> view(account, identityOf(account))))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    private void current(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (who == null || who.anonymous()) {
            throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication", Map.of("session_required", false));
        }
        ApiAuth.require(ctx, "user:read");
        users.find(who.username())
                .compose(account -> account == null
                        ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "User not found"))
                        : view(account, who))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    /** Account settings: password, e-mail address, profile fields, time machine (user:admin and a fresh login). */
    private void update(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "user:admin");
        JsonObject body = Http.jsonBody(ctx);
        Map<String, String> profile = new HashMap<>();
        for (String field : UserService.PROFILE_FIELDS) {
            if (body.containsKey(field)) profile.put(field, Http.optionalString(body, field));
        }
        var update = new UserService.Update(Http.optionalString(body, "password"), Http.optionalString(body, "email"),
                profile, NamespaceService.tagExpirationOf(body));
        Sessions.Session session = ApiAuth.session(ctx);
        users.update(who, session == null ? null : session.token(), update, Http.clientIp(ctx))
                .compose(account -> view(account, who))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    /** Deletes the caller's account and everything it owns (user:admin and a fresh login). */
    private void delete(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "user:admin");
        users.find(who.username())
                .compose(account -> account == null
                        ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "User not found"))
                        : namespaces.delete(who, account, false, Http.clientIp(ctx)))
                .onSuccess(v -> {
                    auth.clearSessionCookie(ctx);
                    ctx.response().setStatusCode(204).end();
                })
                .onFailure(ctx::fail);
    }

    private void confirm(RoutingContext ctx) {
        users.confirmEmail(ctx.queryParams().get("code"), Http.clientIp(ctx))
                .onSuccess(account -> Http.page(ctx, 200, "Berth: e-mail address confirmed",
                        "<h1>E-mail address confirmed</h1>\n<p>" + Http.escapeHtml(account.email())
                                + " is now the e-mail address of " + Http.escapeHtml(account.username()) + ".</p>"))
                .onFailure(ctx::fail);
    }

    private void publicView(RoutingContext ctx) {
        users.find(ctx.pathParam("username"))
                .onSuccess(account -> {
                    if (account == null || !account.isUser()) {
                        ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "User not found"));
                    } else {
                        Http.json(ctx, 200, new JsonObject().put("anonymous", false)
                                .put("username", account.username()).put("avatar", Avatar.of(account)));
                    }
                })
                .onFailure(ctx::fail);
    }

    private Future<JsonObject> view(Account account, Identity who) {
        var self = new Identity(account.id(), account.username(), Identity.Kind.USER, null);
        return organizations.memberships(self).compose(memberships -> users.profile(account).map(profile -> {
            var orgs = new JsonArray();
            memberships.forEach(m -> orgs.add(new JsonObject()
                    .put("name", m.organization().username())
                    .put("avatar", Avatar.of(m.organization()))
                    .put("can_create_repo", !m.role().equals("member"))
                    .put("public", false)
                    .put("is_org_admin", m.role().equals("admin"))
                    .put("preferred_namespace", false)));
            var view = new JsonObject()
                    .put("anonymous", false)
                    .put("username", account.username())
                    .put("avatar", Avatar.of(account))
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
                    .put("company", profile.company())
                    .put("family_name", profile.familyName())
                    .put("given_name", profile.givenName())
                    .put("location", profile.location())
                    .put("is_free_account", true)
                    .put("has_password_set", account.passwordHash() != null)
                    .put("organizations", orgs);
            if (authorizer.isSuperUser(who)) view.put("super_user", true);
            return view;
        }));
    }

    private static Identity identityOf(Account account) {
        return new Identity(account.id(), account.username(), Identity.Kind.USER, null);
    }
}
