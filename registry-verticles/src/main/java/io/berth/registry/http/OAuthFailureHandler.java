package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Renders /oauth failures in RFC 6749's error format, {@code {"error", "error_description"}}: the {@code error}
 * detail of the failure when it has one (e.g. {@code invalid_grant}), else the failure's Quay error type.
 */
public final class OAuthFailureHandler implements Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext ctx) {
        if (Http.cutIfStarted(ctx)) return;
        BerthException error = Http.failureOf(ctx);
        Object type = error.detail().getOrDefault("error", error.code().apiType());
        ctx.response().putHeader("Cache-Control", "no-store");
        Http.json(ctx, Http.status(error), new JsonObject().put("error", type).put("error_description", error.getMessage()));
    }
}
