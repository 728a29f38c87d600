package io.berth.registry.build;

import io.berth.registry.http.ApiFailureHandler;
import io.berth.registry.http.Http;
import io.berth.registry.http.StreamedBody;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code PUT /userfiles/<id>} (the upload URL {@code POST /api/v1/filedrop/} hands out) and {@code GET} of the same
 * (how workers fetch a dropped build context). Both need the URL's signature; bodies are streamed, never buffered.
 */
public final class UserFileApi {
    private final UserFileService files;

    public UserFileApi(UserFileService files) {
        this.files = files;
    }

    public void mount(Vertx vertx, Router root, String baseUrl) {
        Router router = Router.router(vertx);
        router.route().failureHandler(new ApiFailureHandler(baseUrl));
        router.put("/:id").handler(StreamedBody::hold).handler(this::upload);
        router.get("/:id").handler(this::download);
        root.route("/userfiles*").subRouter(router);
    }

    private void upload(RoutingContext ctx) {
        files.authorize(ctx.pathParam("id"), "PUT", ctx.queryParams().get("expires"), ctx.queryParams().get("signature"))
                .compose(file -> {
                    StreamedBody.proceed(ctx);
                    return files.upload(file, ctx.request(), StreamedBody.contentLength(ctx.request()));
                })
                .onSuccess(v -> Http.json(ctx, 200, "Okay"))
                .onFailure(ctx::fail);
    }

    private void download(RoutingContext ctx) {
        files.authorize(ctx.pathParam("id"), "GET", ctx.queryParams().get("expires"), ctx.queryParams().get("signature"))
                .compose(file -> files.send(file, ctx.response()))
                .onFailure(ctx::fail);
    }
}
