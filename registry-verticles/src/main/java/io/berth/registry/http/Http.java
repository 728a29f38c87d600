package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/** Small helpers every surface shares. */
public final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);

    private Http() {}

    /** Maps a bare status set by Vert.x itself (no route, wrong method, body too large) to an error. */
    public static BerthException fromStatus(int status) {
        return switch (status) {
            case 404 -> new BerthException(ErrorCode.NOT_FOUND, "page not found");
            case 405 -> new BerthException(ErrorCode.UNSUPPORTED);
            case 413 -> new BerthException(ErrorCode.PAYLOAD_TOO_LARGE);
            case 400 -> new BerthException(ErrorCode.INVALID_REQUEST);
            case 401 -> new BerthException(ErrorCode.UNAUTHORIZED);
            case 403 -> new BerthException(ErrorCode.DENIED);
            default -> new BerthException(ErrorCode.INTERNAL);
        };
    }

    /**
     * The error a failed request should be answered with: a {@link BerthException} as it is, a bare status set by
     * Vert.x mapped to its error, anything else logged with the request id and answered as a 500 (each one a bug).
     */
    public static BerthException failureOf(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof BerthException be) return be;
        if (failure == null && ctx.statusCode() != 500) return fromStatus(ctx.statusCode());
        LOG.error("Unexpected failure on {} {} [request {}]", ctx.request().method(), ctx.request().path(),
                RequestIds.of(ctx), failure);
        return new BerthException(ErrorCode.INTERNAL);
    }

    /** The user and password of a {@code Basic} Authorization header; null for any other or a malformed one. */
    public static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * For failure handlers: when the response had already started, cuts it (the client sees a broken transfer) and
     * answers true, as there is nothing left to render.
     */
    public static boolean cutIfStarted(RoutingContext ctx) {
        if (!ctx.response().headWritten()) return false;
        ctx.response().reset();
        return true;
    }

    /** The status of an error outside /v2: read-only mode is Quay's 503 there (where /v2 answers 405). */
    public static int status(BerthException error) {
        return error.code() == ErrorCode.READ_ONLY ? 503 : error.code().status();
    }

    /** The caller's address, for usage logs. */
    public static String clientIp(RoutingContext ctx) {
        var remote = ctx.request().remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    /** The request body as a JSON object, or a 400 that says what is wrong. */
    public static JsonObject jsonBody(RoutingContext ctx) {
        var body = ctx.body();
        if (body == null || body.buffer() == null || body.length() == 0) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Missing JSON body");
        }
        if (!body.asString().stripLeading().startsWith("{")) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "The JSON body must be an object");
        }
        try {
            return new JsonObject(body.buffer());
        } catch (RuntimeException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Malformed JSON body");
        }
    }

    /** A boolean query parameter as Quay reads one ({@code truthy_bool}: true, 1, yes, on), or {@code fallback}. */
    public static boolean flag(RoutingContext ctx, String name, boolean fallback) {
        String value = ctx.queryParams().get(name);
        if (value == null || value.isEmpty()) return fallback;
        return Set.of("true", "1", "yes", "on").contains(value.toLowerCase(Locale.ROOT));
    }

    /** The body as a JSON object where a body is optional: none is an empty object. */
    public static JsonObject optionalJsonBody(RoutingContext ctx) {
        var body = ctx.body();
        if (body == null || body.buffer() == null || body.length() == 0) return new JsonObject();
        return jsonBody(ctx);
    }

    /** A string member the request must have; a 400 in jsonschema's words when it is missing or not a string. */
    public static String requiredString(JsonObject body, String key) {
        String value = optionalString(body, key);
        if (value == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "'" + key + "' is a required property");
        return value;
    }

    /** A string member, or null when absent (or null); a 400 when it is something else. */
    public static String optionalString(JsonObject body, String key) {
        return optional(body, key, String.class, "string");
    }

    /** A member of the given type, or null when absent (or null); a 400 in jsonschema's words when it is not. */
    public static <T> T optional(JsonObject body, String key, Class<T> type, String jsonType) {
        Object value = body.getValue(key);
        if (value == null || type.isInstance(value)) return type.cast(value);
        throw new BerthException(ErrorCode.INVALID_REQUEST, value + " is not of type '" + jsonType + "'");
    }

    /** Text made safe to put in HTML, also inside attribute values. */
    public static String escapeHtml(String text) {
        var sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A small server-rendered page, never cached nor framed. */
    public static void page(RoutingContext ctx, int status, String title, String bodyHtml) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").putHeader("X-Frame-Options", "DENY")
                .end("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + escapeHtml(title)
                        + "</title></head>\n<body>\n" + bodyHtml + "\n</body></html>\n");
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body));
    }
}
