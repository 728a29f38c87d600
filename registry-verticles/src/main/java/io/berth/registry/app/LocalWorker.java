package io.berth.registry.app;

import io.berth.registry.config.BerthConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build worker a single node runs in its own process: the builder-worker module's verticle, deployed by class
 * name so that the registry never compiles against the worker. It speaks the same protocol over this node's bus; it
 * does not start when the Docker engine does not answer.
 */
final class LocalWorker {
    private static final Logger LOG = LoggerFactory.getLogger(LocalWorker.class);
    private static final String VERTICLE = "io.berth.builder.WorkerVerticle";

    private LocalWorker() {}

    /** The deployment id, or null when builds are off, the local worker is, or Docker cannot be reached. */
    static Future<String> deploy(Vertx vertx, BerthConfig config, String clusterSecret) {
        BerthConfig.Builds builds = config.builds();
        if (!builds.enabled() || !builds.localWorker()) return Future.succeededFuture();
        var workerConfig = new JsonObject()
                .put("CLUSTER_SECRET", clusterSecret)
                .put("DOCKER_HOST", builds.dockerHost())
                .put("WORK_DIR", config.dataDir().resolve("builds").toString());
        return vertx.deployVerticle(VERTICLE, new DeploymentOptions().setConfig(workerConfig))
                .onSuccess(id -> LOG.info("Running a build worker in this process (Docker at {})", builds.dockerHost()))
                .recover(err -> {
                    LOG.info("No build worker in this process: {}", err.getMessage());
                    return Future.succeededFuture();
                });
    }
}
