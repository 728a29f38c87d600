package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.http.OAuthFailureHandler;
import io.berth.registry.http.PageFailureHandler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The OAuth 2 provider's pages (quay-api.md §3.18): {@code GET /oauth/authorize} shows a signed-in user the consent
 * page, whose forms post to {@code /oauth/authorizeapp} or {@code /oauth/denyapp}; {@code POST /oauth/access_token}
 * exchanges a code. The browser routes know the caller by session cookie only and need its CSRF token to post.
 */
public final class OAuthApi {
    private final OAuthProvider provider;
    private final ApiAuth auth;

    public OAuthApi(OAuthProvider provider, ApiAuth auth) {
        this.provider = provider;
        this.auth = auth;
    }

    public void mount(Router oauth) {
        // the token endpoint answers applications in RFC 6749's JSON; the other routes are pages for people
        oauth.route("/access_token").failureHandler(new OAuthFailureHandler());
        oauth.route().failureHandler(new PageFailureHandler());
        oauth.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        oauth.get("/authorize").handler(auth::handleSession).handler(this::authorize);
        oauth.post("/authorizeapp").handler(auth::handleSession).handler(this::authorizeApp);
        oauth.post("/denyapp").handler(auth::handleSession).handler(this::deny);
        oauth.post("/access_token").handler(auth::guardReadOnly).handler(this::accessToken);
        oauth.get("/localapp").handler(this::localApp);
    }

    private void authorize(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        var q = ctx.queryParams();
        provider.request(q.get("response_type"), q.get("client_id"), q.get("redirect_uri"), q.get("scope"), q.get("state"))
                .onSuccess(r -> {
                    String rejected = provider.rejection(r);
                    if (rejected != null) {
                        redirect(ctx, rejected);
                    } else if (who.anonymous()) {
                        ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Sign in to Berth first, then open this page again"));
                    } else {
                        Http.page(ctx, 200, "Authorize " + r.app().name(), consentPage(r, who, auth.csrfToken(ctx)));
                    }
                })
                .onFailure(ctx::fail);
    }

    /** The consent form's "Authorize": Quay issues a token here unless the form asks for a code. */
    private void authorizeApp(RoutingContext ctx) {
        Identity who = signedIn(ctx);
        var form = ctx.request();
        String responseType = form.getFormAttribute("response_type");
        provider.request(responseType == null ? "token" : responseType, form.getFormAttribute("client_id"),
                        form.getFormAttribute("redirect_uri"), form.getFormAttribute("scope"), form.getFormAttribute("state"))
                .compose(r -> provider.grant(who, r, Http.clientIp(ctx)))
                .onSuccess(location -> redirect(ctx, location))
                .onFailure(ctx::fail);
    }

    private void deny(RoutingContext ctx) {
        signedIn(ctx);
        var form = ctx.request();
        provider.request("token", form.getFormAttribute("client_id"), form.getFormAttribute("redirect_uri"),
                        form.getFormAttribute("scope"), form.getFormAttribute("state"))
                .onSuccess(r -> redirect(ctx, provider.denial(r)))
                .onFailure(ctx::fail);
    }

    /** Client credentials come as form fields or, as some OAuth clients send them, in Basic auth. */
    private void accessToken(RoutingContext ctx) {
        var request = ctx.request();
        String clientId = request.getParam("client_id");
        String clientSecret = request.getParam("client_secret");
        String[] basic = Http.basicCredentials(request.getHeader("Authorization"));
        if (basic != null) {
            if (!basic[0].isEmpty()) clientId = basic[0];
            if (!basic[1].isEmpty()) clientSecret = basic[1];
        }
        provider.exchange(request.getParam("grant_type"), clientId, clientSecret, request.getParam("redirect_uri"),
                        request.getParam("code"), request.getParam("scope"), Http.clientIp(ctx))
                .onSuccess(token -> {
                    ctx.response().putHeader("Cache-Control", "no-store");
                    Http.json(ctx, 200, token);
                })
                .onFailure(ctx::fail);
    }

    /** Quay's local redirect target: the token is in the fragment of this page's address, for the user to copy. */
    private void localApp(RoutingContext ctx) {
        Http.page(ctx, 200, "Berth: access token", "<h1>Authorization complete</h1>\n<p>Your access token is in this "
                + "page's address, after <code>#access_token=</code>. Keep it secret: it acts for you.</p>");
    }

    private static Identity signedIn(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication");
        return who;
    }

    private static String consentPage(OAuthProvider.Request r, Identity who, String csrf) {
        var scopes = new StringBuilder();
        var requested = OAuthScopes.parse(r.scope());
        OAuthScopes.DESCRIPTIONS.forEach((scope, description) -> {
            if (!requested.contains(scope)) return;
            scopes.append("<li><code>").append(scope).append("</code>: ").append(Http.escapeHtml(description));
            if (OAuthScopes.DANGEROUS.contains(scope)) scopes.append(" <strong>(grants broad control)</strong>");
            scopes.append("</li>");
        });
        String hidden = hidden("client_id", r.app().clientId()) + hidden("redirect_uri", r.redirectUri())
                + hidden("scope", r.scope()) + hidden("response_type", r.responseType())
                + (r.state() == null ? "" : hidden("state", r.state())) + hidden(ApiAuth.CSRF_FIELD, csrf);
        return """
                <h1>Authorize %1$s</h1>
                <p><strong>%1$s</strong> (of the organization <strong>%2$s</strong>%3$s) asks to act as <strong>%4$s</strong> on
                this registry, with these permissions:</p>
                <ul>%5$s</ul>
                <form method="post" action="/oauth/authorizeapp">%6$s<button type="submit">Authorize</button></form>
                <form method="post" action="/oauth/denyapp">%6$s<button type="submit">Deny</button></form>""".formatted(
                Http.escapeHtml(r.app().name()), Http.escapeHtml(r.app().owner()),
                r.app().applicationUri().isEmpty() ? "" : ", " + Http.escapeHtml(r.app().applicationUri()),
                Http.escapeHtml(who.username()), scopes, hidden);
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Http.escapeHtml(value) + "\">";
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }
}
