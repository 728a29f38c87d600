package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.http.Http;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Renders every /v2 failure as the distribution spec's error envelope; 401s carry the auth challenge. A 4xx on a
 * request that passed its access check is logged here, once for every route: {@code pull_repo_failed} for a GET
 * (but an upload's status), {@code delete_tag_failed} for a manifest DELETE and {@code push_repo_failed} for the
 * rest. HEADs are not logged: clients probe for blobs and manifests with HEAD before every push, and a 404 there is
 * routine.
 */
public final class V2FailureHandler implements Handler<RoutingContext> {
    private final V2Challenge challenge;
    private final UsageLogger usage;

    public V2FailureHandler(V2Challenge challenge, UsageLogger usage) {
        this.challenge = challenge;
        this.usage = usage;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            // the body had started; all we can do is cut the connection so the client sees a broken transfer
            ctx.response().reset();
            return;
        }
        BerthException error = Http.failureOf(ctx);
        logFailure(ctx, error);
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
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(body.encode().length())).end();
        } else {
            response.end(body.encode());
        }
    }

    private void logFailure(RoutingContext ctx, BerthException error) {
        int status = error.code().status();
        V2Access.Granted granted = V2Access.granted(ctx);
        HttpMethod method = ctx.request().method();
        if (granted == null || status < 400 || status >= 500 || method == HttpMethod.HEAD) return;
        String reference = ctx.pathParam("reference");
        boolean upload = ctx.request().path().contains("/blobs/uploads");
        String kind = method == HttpMethod.GET && !upload ? "pull_repo_failed"
                : method == HttpMethod.DELETE && reference != null ? "delete_tag_failed"
                : "push_repo_failed";
        var repo = granted.repository();
        var metadata = new JsonObject().put("namespace", repo.namespace()).put("repo", repo.name())
                .put("message", error.getMessage()).put("error_code", error.code().ociCode());
        if (reference != null) metadata.put(reference.contains(":") ? "manifest_digest" : "tag", reference);
        usage.log(kind, repo.namespaceId(), granted.identity(), repo.id(), granted.ip(), metadata);
    }
}
