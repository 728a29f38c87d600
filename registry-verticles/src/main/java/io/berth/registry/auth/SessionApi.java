package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Browser sign-in (quay-api.md §3.1): {@code POST /api/v1/signin}, {@code /signin/verify}, {@code /signout}, and
 * {@code GET /csrf_token}, which hands out the CSRF token every session write needs.
 */
public final class SessionApi {
    private final BerthConfig config;
    private final CredentialService credentials;
    private final Sessions sessions;
    private final ApiAuth auth;
    private final UsageLogger usage;

    public SessionApi(BerthConfig config, CredentialService credentials, Sessions sessions, ApiAuth auth,
                      UsageLogger usage) {
        this.config = config;
        this.credentials = credentials;
        this.sessions = sessions;
        this.auth = auth;
        this.usage = usage;
    }

    /** The /api/v1 routes. */
    public void mount(Router api) {
        if (config.featureDirectLogin()) api.post("/signin").handler(this::signin);
        api.post("/signin/verify").handler(this::verify);
        api.post("/signout").handler(this::signout);
    }

    /** {@code GET /csrf_token}, outside /api/v1 as in Quay. */
    public void mountRoot(Router root) {
        root.get("/csrf_token").handler(ctx -> Http.json(ctx, 200, new JsonObject().put("csrf_token", auth.csrfToken(ctx))));
    }

    private void signin(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        signIn(ctx, Http.requiredString(body, "username"), Http.requiredString(body, "password"))
                .onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true)))
                .onFailure(ctx::fail);
    }

    /** Checks the password, audits the attempt and starts a session on this browser; the API and the UI sign in here. */
    public Future<Void> signIn(RoutingContext ctx, String username, String password) {
        return credentials.password(username, password).compose(login -> {
            credentials.audit(login, username, "quayauth", Http.clientIp(ctx), ctx.request().getHeader("User-Agent"));
            if (login.throttled() != null) return Future.failedFuture(login.throttled());
            if (!login.ok()) {
                return Future.failedFuture(new BerthException(ErrorCode.DENIED, login.failure(),
                        Map.of("invalidCredentials", true, "needsEmailVerification", false)));
            }
            return auth.startSession(ctx, login.identity().accountId());
        });
    }

    /** Re-enter the password: refreshes the session for the actions that need a fresh login. */
    private void verify(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "user:admin");
        String password = Http.requiredString(Http.jsonBody(ctx), "password");
        Sessions.Session session = ApiAuth.session(ctx);
        credentials.password(who.username(), password)
                .compose(login -> {
                    // re-entering the password is a login to audit like any other
                    credentials.audit(login, who.username(), "quayauth", Http.clientIp(ctx),
                            ctx.request().getHeader("User-Agent"));
                    if (login.throttled() != null) return Future.failedFuture(login.throttled());
                    if (!login.ok()) {
                        return Future.failedFuture(new BerthException(ErrorCode.DENIED, login.failure(),
                                Map.of("invalidCredentials", true)));
                    }
                    return session == null ? Future.<Void>succeededFuture() : sessions.refresh(session.token());
                })
                .onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true)))
                .onFailure(ctx::fail);
    }

    private void signout(RoutingContext ctx) {
        signOut(ctx).onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true))).onFailure(ctx::fail);
    }

    /** Ends every session of the signed-in caller, logs it and drops the cookie; the API and the UI sign out here. */
    public Future<Void> signOut(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        Future<Void> end = who.anonymous() ? Future.succeededFuture() : sessions.endAll(who.accountId());
        return end.onSuccess(v -> {
            if (!who.anonymous()) {
                usage.log("logout_success", who.accountId(), who, null, Http.clientIp(ctx), new JsonObject());
            }
            auth.clearSessionCookie(ctx);
        });
    }
}
