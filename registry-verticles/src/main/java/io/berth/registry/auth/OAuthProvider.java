package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.OAuthTokenRepository.Application;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Berth as an OAuth 2 provider (quay-api.md §3.18): a signed-in user grants an application scopes, and the
 * application gets a token either at once in the redirect's fragment (implicit flow) or as a single-use, short-lived
 * code that it exchanges with its client secret ({@code /oauth/access_token}).
 */
public final class OAuthProvider {
    /** RFC 6749 recommends at most ten minutes. */
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    private final BerthConfig config;
    private final Pool pool;
    private final OAuthTokenRepository rows;
    private final OAuthTokens tokens;
    private final SecretBox box;
    private final UsageLogger usage;

    public OAuthProvider(BerthConfig config, Pool pool, OAuthTokenRepository rows, OAuthTokens tokens, SecretBox box,
                         UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.rows = rows;
        this.tokens = tokens;
        this.box = box;
        this.usage = usage;
    }

    /** An authorization request whose application and redirect URI have been checked. */
    public record Request(Application app, String responseType, String redirectUri, String scope, String state) {}

    /**
     * Checks an authorization request as far as it can be without redirecting: the application must exist (404) and
     * the redirect URI must be the application's (400, never followed). Other problems go back to the application
     * through the redirect, as RFC 6749 §4.1.2.1 says.
     */
    public Future<Request> request(String responseType, String clientId, String redirectUri, String scope, String state) {
        if (clientId == null || redirectUri == null) {
            return Future.failedFuture(oauthError(ErrorCode.INVALID_REQUEST, "invalid_request",
                    "client_id and redirect_uri are required"));
        }
        return rows.findApplication(pool, clientId).compose(app -> {
            if (app == null) return Future.failedFuture(oauthError(ErrorCode.NOT_FOUND, "invalid_client", "Unknown client_id"));
            if (!redirectAllowed(app, redirectUri)) {
                return Future.failedFuture(oauthError(ErrorCode.INVALID_REQUEST, "redirect_uri_mismatch",
                        "redirect_uri does not match the application's"));
            }
            return Future.succeededFuture(new Request(app, responseType == null ? "code" : responseType, redirectUri,
                    scope, state));
        });
    }

    /** Where to send the browser when the request itself is at fault; null when it is fine. */
    public String rejection(Request r) {
        if (!r.responseType().equals("token") && !r.responseType().equals("code")) {
            return errorRedirect(r, "unsupported_response_type");
        }
        return OAuthScopes.parse(r.scope()) == null ? errorRedirect(r, "invalid_scope") : null;
    }

    /** The user said no: Quay's {@code authorization_denied} goes back to the application. */
    public String denial(Request r) {
        return errorRedirect(r, "authorization_denied");
    }

    /** The user granted the request: a token (implicit flow) or a code, as the redirect to follow. */
    public Future<String> grant(Identity who, Request r, String ip) {
        String rejected = rejection(r);
        if (rejected != null) return Future.succeededFuture(rejected);
        Set<String> scopes = OAuthScopes.parse(r.scope());
        if (r.responseType().equals("token")) {
            Duration lifetime = ApplicationService.MAX_TOKEN_LIFETIME;
            return tokens.mint(pool, r.app().id(), who.accountId(), scopes, lifetime, null).map(minted -> {
                logToken(who, r.app(), minted, scopes, "implicit", ip);
                return r.redirectUri() + "#" + form(Map.of("access_token", minted.token(), "token_type", "Bearer",
                        "expires_in", String.valueOf(lifetime.toSeconds()), "scope", OAuthScopes.format(scopes)), r.state());
            });
        }
        String code = SecretCodes.random(40);
        return rows.deleteExpiredCodes(pool)
                .compose(v -> rows.insertCode(pool, SecretCodes.name(code), SecretCodes.secretHash(code), r.app().id(),
                        who.accountId(), OAuthScopes.format(scopes), r.redirectUri(),
                        OffsetDateTime.now(ZoneOffset.UTC).plus(CODE_LIFETIME)))
                .map(v -> withQuery(r.redirectUri(), form(Map.of("code", code), r.state())));
    }

    /**
     * Exchanges an authorization code for a token ({@code grant_type=authorization_code}). The code is consumed in
     * the same transaction that creates the token, so a second exchange of it fails.
     */
    public Future<JsonObject> exchange(String grantType, String clientId, String clientSecret, String redirectUri,
                                       String code, String scope, String ip) {
        if (!"authorization_code".equals(grantType)) {
            return Future.failedFuture(oauthError(ErrorCode.INVALID_REQUEST, "unsupported_grant_type",
                    "Only grant_type=authorization_code is supported"));
        }
        if (clientId == null || redirectUri == null || code == null) {
            return Future.failedFuture(oauthError(ErrorCode.INVALID_REQUEST, "invalid_request",
                    "client_id, redirect_uri and code are required"));
        }
        return rows.findApplication(pool, clientId).compose(app -> {
            if (app == null || !SecretCodes.same(box.open(app.sealedSecret()), clientSecret)) {
                return Future.failedFuture(oauthError(ErrorCode.UNAUTHORIZED, "invalid_client", "Invalid client credentials"));
            }
            if (!SecretCodes.wellFormed(code)) return Future.failedFuture(invalidGrant());
            Duration lifetime = ApplicationService.MAX_TOKEN_LIFETIME;
            return pool.withTransaction(tx -> rows.takeCode(tx, SecretCodes.name(code)).compose(stored -> {
                if (stored == null || stored.applicationId() != app.id()
                        || !SecretCodes.same(stored.codeHash(), SecretCodes.secretHash(code))
                        || stored.expiresAt().isBefore(OffsetDateTime.now())
                        || !stored.redirectUri().equals(redirectUri)
                        || (scope != null && !scope.isBlank()
                            && !Objects.equals(OAuthScopes.parse(scope), OAuthScopes.parse(stored.scope())))) {
                    return Future.failedFuture(invalidGrant());
                }
                Set<String> scopes = OAuthScopes.parse(stored.scope());
                return tokens.mint(tx, app.id(), stored.accountId(), scopes, lifetime, null).map(minted -> {
                    var who = new Identity(stored.accountId(), null, Identity.Kind.USER, null);
                    logToken(who, app, minted, scopes, "authorization_code", ip);
                    return new JsonObject().put("access_token", minted.token()).put("token_type", "Bearer")
                            .put("expires_in", lifetime.toSeconds()).put("refresh_token", (String) null)
                            .put("scope", OAuthScopes.format(scopes));
                });
            }));
        });
    }

    /**
     * Quay accepts a redirect URI that starts with the application's; Berth also requires the match to end at a path
     * or query boundary, so that {@code https://app.example} does not admit {@code https://app.example.evil}. Quay's
     * own local handler ({@code /oauth/localapp}, which shows the token to the user) is allowed for every application.
     */
    boolean redirectAllowed(Application app, String redirectUri) {
        if (redirectUri.equals(config.baseUrl() + "/oauth/localapp")) return true;
        String registered = app.redirectUri();
        if (registered.isEmpty() || !redirectUri.startsWith(registered) || redirectUri.contains("#")) return false;
        if (redirectUri.length() == registered.length() || registered.endsWith("/")) return true;
        char next = redirectUri.charAt(registered.length());
        return next == '/' || next == '?';
    }

    private void logToken(Identity who, Application app, OAuthTokens.Minted minted, Set<String> scopes, String grant,
                          String ip) {
        usage.log("create_oauth_api_token", app.ownerId(), who, null, ip, new JsonObject()
                .put("oauth_token_uuid", minted.uuid().toString()).put("scope", OAuthScopes.format(scopes))
                .put("application_name", app.name()).put("client_id", app.clientId()).put("grant", grant));
    }

    private static String errorRedirect(Request r, String error) {
        return withQuery(r.redirectUri(), form(Map.of("error", error), r.state()));
    }

    private static String withQuery(String uri, String query) {
        return uri + (uri.contains("?") ? "&" : "?") + query;
    }

    /** {@code k=v&...} in a fixed order (token first, as clients that scan for it expect), then {@code state}. */
    private static String form(Map<String, String> values, String state) {
        var sb = new StringBuilder();
        for (String key : new String[]{"access_token", "code", "error", "token_type", "expires_in", "scope"}) {
            String v = values.get(key);
            if (v == null) continue;
            if (!sb.isEmpty()) sb.append('&');
            sb.append(key).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        if (state != null) sb.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
        return sb.toString();
    }

    private static BerthException invalidGrant() {
        return oauthError(ErrorCode.INVALID_REQUEST, "invalid_grant", "The authorization code is invalid, expired or used");
    }

    /** An error in RFC 6749's terms; the /oauth failure handler renders {@code error} and the message. */
    static BerthException oauthError(ErrorCode code, String error, String description) {
        return new BerthException(code, description, Map.of("error", error));
    }
}
