package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Renders every /api/v1 failure as Quay's error body. */
public final class ApiFailureHandler implements Handler<RoutingContext> {
    private final String baseUrl;

    public ApiFailureHandler(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (Http.cutIfStarted(ctx)) return;
        BerthException error = Http.failureOf(ctx);
        ErrorCode code = error.code();
        int status = Http.status(error);
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
