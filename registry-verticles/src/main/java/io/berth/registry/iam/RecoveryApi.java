package io.berth.registry.iam;

import io.berth.registry.http.Http;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/recovery} (quay-api.md §3.16): anyone may ask for a recovery e-mail, as in Quay (a browser
 * session still sends its CSRF token). Mounted only while the registry sends mail; otherwise it is a 404.
 */
public final class RecoveryApi {
    private final RecoveryService recovery;

    public RecoveryApi(RecoveryService recovery) {
        this.recovery = recovery;
    }

    public void mount(Router api) {
        if (recovery.enabled()) api.post("/recovery").handler(this::request);
    }

    private void request(RoutingContext ctx) {
        recovery.request(Http.requiredString(Http.jsonBody(ctx), "email"))
                .onSuccess(answer -> Http.json(ctx, 200, answer.organization()
                        ? new JsonObject().put("status", "org").put("orgemail", answer.orgEmail())
                                .put("orgname", answer.orgName())
                        : new JsonObject().put("status", "sent")))
                .onFailure(ctx::fail);
    }
}
