package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/** Small helpers every surface shares. */
public final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    /** Quay's API date format (Python's {@code email.utils.formatdate}): {@code Tue, 05 Mar 2024 10:00:00 -0000}. */
    private static final DateTimeFormatter QUAY_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss '-0000'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

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

    /** A date as Quay's API writes it; null stays null. */
    public static String date(OffsetDateTime time) {
        return time == null ? null : QUAY_DATE.format(time);
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body));
    }
}
