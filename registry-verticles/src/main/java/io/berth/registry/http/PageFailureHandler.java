package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Renders failures of the pages a browser opens (consent page, confirmation links) as a small HTML page. */
public final class PageFailureHandler implements Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext ctx) {
        if (Http.cutIfStarted(ctx)) return;
        BerthException error = Http.failureOf(ctx);
        int status = Http.status(error);
        Http.page(ctx, status, "Berth: error", "<h1>" + status + "</h1>\n<p>" + Http.escapeHtml(error.getMessage()) + "</p>");
    }
}
