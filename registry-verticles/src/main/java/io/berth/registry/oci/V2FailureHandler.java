package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.http.Http;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Renders every /v2 failure as the distribution spec's error envelope; 401s carry the auth challenge. */
public final class V2FailureHandler implements Handler<RoutingContext> {
    private final V2Challenge challenge;

    public V2FailureHandler(V2Challenge challenge) {
        this.challenge = challenge;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            // the body had started; all we can do is cut the connection so the client sees a broken transfer
            ctx.response().reset();
            return;
        }
        BerthException error = Http.failureOf(ctx);
        var response = ctx.response();
        error.headers().forEach(response::putHeader);
        if (error.code() == ErrorCode.UNAUTHORIZED && !response.headers().contains("WWW-Authenticate")) {
            response.putHeader("WWW-Authenticate", challenge.header(null));
        }
        var entry = new JsonObject().put("code", error.code().ociCode()).put("message", error.getMessage());
        entry.put("detail", error.detail().isEmpty() ? new JsonObject() : new JsonObject(error.detail()));
        var body = new JsonObject().put("errors", new JsonArray().add(entry));
        if (error.code() == ErrorCode.READ_ONLY) body.put("is_readonly", true);
        response.setStatusCode(error.code().status()).putHeader("Content-Type", "application/json");
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(body.encode().length())).end();
        } else {
            response.end(body.encode());
        }
    }
}
