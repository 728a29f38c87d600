package io.berth.registry.metrics;

import io.vertx.ext.web.Router;

/** {@code GET /metrics}: the node's counters for Prometheus to scrape. */
public final class MetricsApi {
    private final Metrics metrics;

    public MetricsApi(Metrics metrics) {
        this.metrics = metrics;
    }

    public void mount(Router root) {
        root.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.render()));
    }
}
