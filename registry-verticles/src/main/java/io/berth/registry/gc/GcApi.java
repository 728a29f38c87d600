package io.berth.registry.gc;

import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/superuser/gc}: runs a garbage collection pass now (Berth's own endpoint; Quay has no such
 * command) and answers with what it freed.
 */
public final class GcApi {
    private final GarbageCollector collector;
    private final Authorizer authorizer;

    public GcApi(GarbageCollector collector, Authorizer authorizer) {
        this.collector = collector;
        this.authorizer = authorizer;
    }

    public void mount(Router api) {
        api.post("/superuser/gc").handler(this::run);
    }

    private void run(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "super:user");
        if (!authorizer.isSuperUser(who)) throw Authorizer.refusal(who);
        collector.run()
                .onSuccess(report -> Http.json(ctx, 200, report.toJson()))
                .onFailure(ctx::fail);
    }
}
