package io.berth.registry.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** One HTTP server on one event loop; Main deploys one instance per core, all sharing the router. */
public final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final HttpServerOptions options;
    private HttpServer server;

    public HttpVerticle(Router router, HttpServerOptions options) {
        this.router = router;
        this.options = options;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
    }

    public int actualPort() { return server.actualPort(); }
}
