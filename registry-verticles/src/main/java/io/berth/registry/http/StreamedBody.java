package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies that are streamed rather than buffered (blob uploads: no BodyHandler on those routes).
 * {@link #hold} must run before any asynchronous handler (authentication) so that no body bytes are dropped, and
 * it cleans up after a response that did not read the body.
 */
public final class StreamedBody {
    private static final String CONTINUED = "streamedBody.continued";

    private StreamedBody() {}

    /**
     * Route handler: pauses the request until a handler reads it. When the response ends with the body unread (an
     * error before the body was needed), the body is drained and dropped so the connection stays usable, or, when
     * the client is still waiting for {@code 100 Continue} and will never send it, the connection is closed.
     */
    public static void hold(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        ctx.addEndHandler(ar -> {
            if (request.isEnded() || !present(request)) return;
            if (expectsContinue(request) && ctx.get(CONTINUED) == null && request.version() != HttpVersion.HTTP_2) {
                request.connection().close();
            } else {
                request.resume();
            }
        });
        ctx.next();
    }

    /** Whether the request carries a body at all. */
    public static boolean present(HttpServerRequest request) {
        if (request.headers().contains("Transfer-Encoding", "chunked", true)) return true;
        Long length = contentLength(request);
        if (length != null) return length > 0;
        return request.version() == HttpVersion.HTTP_2 && !request.isEnded();
    }

    /** The declared {@code Content-Length}, or null; a malformed one is a 400. */
    public static Long contentLength(HttpServerRequest request) {
        String header = request.getHeader("Content-Length");
        if (header == null) return null;
        try {
            long length = Long.parseLong(header.trim());
            if (length >= 0) return length;
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid Content-Length header");
    }

    /** Call right before reading the body: answers {@code Expect: 100-continue}. */
    public static void proceed(RoutingContext ctx) {
        if (expectsContinue(ctx.request()) && ctx.get(CONTINUED) == null) {
            ctx.put(CONTINUED, true);
            ctx.response().writeContinue();
        }
    }

    private static boolean expectsContinue(HttpServerRequest request) {
        return request.headers().contains("Expect", "100-continue", true);
    }
}
