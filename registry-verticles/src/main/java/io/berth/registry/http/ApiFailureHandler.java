package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every /api/v1 failure as Quay's error body. */
public final class ApiFailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);
    private final String baseUrl;

    public ApiFailureHandler(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Throwable failure = ctx.failure();
        BerthException error;
        if (failure instanceof BerthException be) {
            error = be;
        } else if (failure == null && ctx.statusCode() != 500) {
            error = Http.fromStatus(ctx.statusCode());
        } else {
            LOG.error("Unexpected failure on {} {} [request {}]", ctx.request().method(), ctx.request().path(),
                    RequestIds.of(ctx), failure);
            error = new BerthException(ErrorCode.INTERNAL);
        }
        ErrorCode code = error.code();
        int status = code == ErrorCode.READ_ONLY ? 503 : code.status();
        JsonObject body;
        if (code == ErrorCode.READ_ONLY) {
            body = new JsonObject().put("message", error.getMessage()).put("is_readonly", true);
        } else {
            String type = code.apiType();
            body = new JsonObject()
                    .put("message", error.getMessage())
                    .put("detail", error.getMessage())
                    .put("error_message", error.getMessage())
                    .put("error_type", type)
                    .put("title", type)
                    .put("type", baseUrl + "/api/v1/error/" + type)
                    .put("status", status);
            error.detail().forEach(body::put);
        }
        error.headers().forEach(ctx.response()::putHeader);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
