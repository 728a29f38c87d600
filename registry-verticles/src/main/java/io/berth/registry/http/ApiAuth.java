package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.Sessions;
import io.berth.registry.config.BerthConfig;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Authentication for /api/v1 (quay-api.md §3.0): an OAuth bearer token, or the browser session's cookie, else
 * anonymous. Basic auth is refused here, as in Quay. A write without a bearer token needs the session's CSRF token
 * ({@code X-CSRF-Token} or form field {@code _csrf_token}), even from an anonymous session. Also refuses writes in
 * read-only mode. The browser pages of /oauth use the same session handling through {@link #handleSession}.
 */
public final class ApiAuth {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf_token";
    public static final String NEXT_CSRF_HEADER = "X-Next-CSRF-Token";
    private static final String IDENTITY = "apiIdentity";
    private static final String SESSION = "apiSession";
    private static final String FRESH = "apiFreshLogin";
    /** Quay serves these from its web blueprint, outside the CSRF rule. */
    private static final Set<String> CSRF_EXEMPT = Set.of("/api/v1/user/initialize");
    /** The product tokens browsers send ({@code Mozilla/5.0 (…) … Chrome/…}); registry clients send none of them. */
    private static final Pattern BROWSER = Pattern.compile("(?i)\\b(mozilla|chrome|firefox|safari|opera|msie|edg)/\\d");

    private final BerthConfig config;
    private final OAuthTokens tokens;
    private final Sessions sessions;

    public ApiAuth(BerthConfig config, OAuthTokens tokens, Sessions sessions) {
        this.config = config;
        this.tokens = tokens;
        this.sessions = sessions;
    }

    public void handle(RoutingContext ctx) {
        if (refusedAsReadOnly(ctx) || refusedAsBrowserNavigation(ctx)) return;
        String header = ctx.request().getHeader("Authorization");
        if (header == null) {
            withSession(ctx, true);
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED,
                    "Basic authentication is not accepted on /api/v1: use an OAuth bearer token or sign in"));
            return;
        }
        tokens.authenticate(header.substring(7).trim()).onSuccess(identity -> {
            if (identity == null) {
                ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Invalid access token"));
                return;
            }
            ctx.put(IDENTITY, identity);
            ctx.put(FRESH, true); // Quay exempts OAuth tokens from the fresh-login rule
            ctx.next();
        }).onFailure(ctx::fail);
    }

    /**
     * For the browser pages of /oauth: the session cookie only, never a bearer token (a token must not authorize
     * further applications), with the CSRF rule on writes.
     */
    public void handleSession(RoutingContext ctx) {
        if (!refusedAsReadOnly(ctx)) withSession(ctx, true);
    }

    /**
     * {@link #handleSession} for a multipart form read as a stream ({@link StreamedForm}): its {@code _csrf_token}
     * field is inside the body, so the page checks it with {@link #csrfValid} once the field has arrived, before it
     * acts on anything.
     */
    public void handleSessionCsrfInBody(RoutingContext ctx) {
        if (!refusedAsReadOnly(ctx)) withSession(ctx, false);
    }

    public static BerthException csrfRefused() {
        return new BerthException(ErrorCode.DENIED, "CSRF token was invalid or missing.");
    }

    /** Whether {@code presented} is the CSRF token of the caller's session. */
    public boolean csrfValid(RoutingContext ctx, String presented) {
        Sessions.Session session = session(ctx);
        return session != null && sessions.csrfValid(session.token(), presented);
    }

    /** Fails writes in read-only mode; for routes that authenticate otherwise ({@code /oauth/access_token}). */
    public void guardReadOnly(RoutingContext ctx) {
        if (!refusedAsReadOnly(ctx)) ctx.next();
    }

    private boolean refusedAsReadOnly(RoutingContext ctx) {
        if (config.readOnly() && !safe(ctx.request().method())) {
            ctx.fail(new BerthException(ErrorCode.READ_ONLY));
            return true;
        }
        return false;
    }

    /**
     * With {@code BROWSER_API_CALLS_XHR_ONLY}, as in Quay, a browser's GET must come from script
     * ({@code X-Requested-With: XMLHttpRequest}): a link or a typed address that makes the browser render an API answer
     * as a page is refused, against reflected-text attacks. Registry clients and scripts do not send a browser's
     * user agent and pass.
     */
    private boolean refusedAsBrowserNavigation(RoutingContext ctx) {
        var request = ctx.request();
        if (!config.browserApiCallsXhrOnly() || request.method() != HttpMethod.GET
                || "XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
            return false;
        }
        String agent = request.getHeader("User-Agent");
        if (agent == null || !BROWSER.matcher(agent).find()) return false;
        ctx.fail(new BerthException(ErrorCode.INVALID_REQUEST,
                "API calls must be invoked with an X-Requested-With header if called from a browser"));
        return true;
    }

    private void withSession(RoutingContext ctx, boolean checkCsrf) {
        Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
        sessions.resolve(cookie == null ? null : cookie.getValue()).onSuccess(session -> {
            ctx.put(SESSION, session);
            ctx.put(IDENTITY, session.identity());
            ctx.put(FRESH, sessions.fresh(session));
            if (checkCsrf && !safe(ctx.request().method()) && !CSRF_EXEMPT.contains(ctx.normalizedPath())
                    && !sessions.csrfValid(session.token(), presentedCsrf(ctx))) {
                ctx.fail(csrfRefused());
                return;
            }
            ctx.next();
        }).onFailure(ctx::fail);
    }

    /**
     * Signs the account in on this browser: a new session under a new cookie (a session the cookie held before ends),
     * and its CSRF token in {@code X-Next-CSRF-Token}, as Quay sends it.
     */
    public Future<Void> startSession(RoutingContext ctx, long accountId) {
        Sessions.Session old = session(ctx);
        Future<Void> endOld = old != null && old.signedIn() ? sessions.end(old.token()) : Future.succeededFuture();
        return endOld.compose(v -> sessions.start(accountId)).map(token -> {
            ctx.response().addCookie(sessions.cookie(token)).putHeader(NEXT_CSRF_HEADER, sessions.csrfToken(token));
            return null;
        });
    }

    /** Drops the session cookie from the browser (the session itself is ended by the caller). */
    public void clearSessionCookie(RoutingContext ctx) {
        ctx.response().addCookie(sessions.clearedCookie());
    }

    /** The CSRF token of the caller's session; a caller without a session cookie gets a new anonymous one. */
    public String csrfToken(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
        String token = cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
        if (token == null) {
            token = Sessions.newToken();
            ctx.response().addCookie(sessions.cookie(token));
        }
        return sessions.csrfToken(token);
    }

    private static String presentedCsrf(RoutingContext ctx) {
        String header = ctx.request().getHeader(CSRF_HEADER);
        return header != null ? header : ctx.request().getFormAttribute(CSRF_FIELD);
    }

    private static boolean safe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
    }

    public static Identity identity(RoutingContext ctx) {
        return ctx.get(IDENTITY);
    }

    /** The caller's browser session; null when the caller came with a bearer token. */
    public static Sessions.Session session(RoutingContext ctx) {
        return ctx.get(SESSION);
    }

    /** The signed-in caller holding {@code scope}; 401 for anonymous callers, 403 when the token lacks the scope. */
    public static Identity require(RoutingContext ctx, String scope) {
        Identity who = identity(ctx);
        if (who == null || who.anonymous()) throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication");
        if (!who.hasScope(scope)) throw new BerthException(ErrorCode.DENIED, "Unauthorized");
        return who;
    }

    /**
     * {@link #require} plus Quay's fresh-login rule for sensitive actions: a session must have seen its password within
     * {@code FRESH_LOGIN_TIMEOUT} (sign in again or {@code POST /api/v1/signin/verify}); OAuth tokens pass.
     */
    public static Identity requireFresh(RoutingContext ctx, String scope) {
        Identity who = require(ctx, scope);
        if (!Boolean.TRUE.equals(ctx.get(FRESH))) throw new BerthException(ErrorCode.FRESH_LOGIN_REQUIRED);
        return who;
    }
}
