package io.berth.registry.http;

import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** Gives every request an id, echoed in {@code X-Request-Id} and in error logs. */
public final class RequestIds {
    private static final String KEY = "requestId";

    private RequestIds() {}

    public static void assign(RoutingContext ctx) {
        String id = UUID.randomUUID().toString();
        ctx.put(KEY, id);
        ctx.response().putHeader("X-Request-Id", id);
        ctx.next();
    }

    public static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}
