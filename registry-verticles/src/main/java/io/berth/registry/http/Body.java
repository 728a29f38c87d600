package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Typed fields of an /api/v1 JSON body: a field of the wrong type is the caller's mistake, a 400 that names it (as
 * Quay's schema validation does), never a ClassCastException and a 500.
 */
public final class Body {
    private Body() {}

    /** The body as an object; an empty body is an empty object (for calls whose body is optional). */
    public static JsonObject optional(RoutingContext ctx) {
        var body = ctx.body();
        if (body == null || body.buffer() == null || body.length() == 0) return new JsonObject();
        return Http.jsonBody(ctx);
    }

    public static String string(JsonObject body, String key) {
        return typed(body, key, String.class, "a string");
    }

    /** A string that must be present. */
    public static String required(JsonObject body, String key) {
        String value = string(body, key);
        if (value == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "'" + key + "' is a required property");
        return value;
    }

    public static Boolean bool(JsonObject body, String key) {
        return typed(body, key, Boolean.class, "a boolean");
    }

    public static JsonObject object(JsonObject body, String key) {
        return typed(body, key, JsonObject.class, "an object");
    }

    private static <T> T typed(JsonObject body, String key, Class<T> type, String what) {
        Object value = body.getValue(key);
        if (value == null) return null;
        if (!type.isInstance(value)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "'" + key + "' must be " + what);
        }
        return type.cast(value);
    }
}
