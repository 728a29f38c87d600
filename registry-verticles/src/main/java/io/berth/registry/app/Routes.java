package io.berth.registry.app;

import io.berth.registry.http.ApiFailureHandler;
import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.oci.BlobApi;
import io.berth.registry.oci.TokenApi;
import io.berth.registry.oci.UploadApi;
import io.berth.registry.oci.V2FailureHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Mounts every surface on one router: /v2 (OCI distribution) and /api/v1 (Quay-compatible REST). */
final class Routes {
    private Routes() {}

    static Router build(Vertx vertx, Berth.Services s) {
        Router root = Router.router(vertx);

        Router v2 = Router.router(vertx);
        v2.route().handler(ctx -> {
            ctx.response().putHeader("Docker-Distribution-API-Version", "registry/2.0");
            ctx.next();
        });
        v2.route().failureHandler(new V2FailureHandler(s.challenge()));
        new TokenApi(s.config(), s.credentials(), s.tokens(), s.repositories(), s.authorizer(), s.database().pool(),
                s.usage(), s.challenge()).mount(v2);
        // every other /v2 route is about a repository and needs the caller's token (if any) checked first
        v2.route().handler(s.v2Access()::authenticate);
        new UploadApi(s.v2Access(), s.uploads(), s.blobs()).mount(v2);
        new BlobApi(s.v2Access(), s.blobs()).mount(v2);

        v2.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "page not found")));
        root.route("/v2*").subRouter(v2);

        Router api = Router.router(vertx);
        api.route().failureHandler(new ApiFailureHandler(s.config().baseUrl()));
        root.route("/api/v1*").subRouter(api);
        return root;
    }
}
