package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.config.BerthConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication for /api/v1: an OAuth bearer token (Quay's format), else anonymous. Basic auth is not accepted here,
 * as in Quay. Also refuses writes in read-only mode.
 */
public final class ApiAuth {
    private static final String IDENTITY = "apiIdentity";
    private final BerthConfig config;
    private final OAuthTokens tokens;

    public ApiAuth(BerthConfig config, OAuthTokens tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    public void handle(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (config.readOnly() && method != HttpMethod.GET && method != HttpMethod.HEAD) {
            ctx.fail(new BerthException(ErrorCode.READ_ONLY));
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.put(IDENTITY, Identity.ANONYMOUS);
            ctx.next();
            return;
        }
        tokens.authenticate(header.substring(7).trim()).onSuccess(identity -> {
            if (identity == null) {
                ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Invalid access token"));
                return;
            }
            ctx.put(IDENTITY, identity);
            ctx.next();
        }).onFailure(ctx::fail);
    }

    public static Identity identity(RoutingContext ctx) {
        return ctx.get(IDENTITY);
    }

    /** The signed-in caller holding {@code scope}; 401 for anonymous callers, 403 when the token lacks the scope. */
    public static Identity require(RoutingContext ctx, String scope) {
        Identity who = identity(ctx);
        if (who == null || who.anonymous()) throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication");
        if (!who.hasScope(scope)) throw new BerthException(ErrorCode.DENIED, "Unauthorized");
        return who;
    }
}
