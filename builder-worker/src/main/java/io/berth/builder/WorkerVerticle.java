package io.berth.builder;

import io.berth.builder.pipeline.DockerExecutor;
import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildProtocol;
import io.berth.model.build.ProtocolCodec;
import io.berth.model.build.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * A build worker: claims a job from the active build manager whenever it is idle (when woken, and every few
 * seconds in case a wake-up was missed), runs it on a virtual thread, and stops it on a cancel. Runs one job at a
 * time. Deployed by {@link WorkerMain} in a worker process, or by a registry node in its own process.
 */
public final class WorkerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
    private static final long POLL_MS = 3000;

    private WorkerConfig settings;
    private RegistryLink link;
    private DockerExecutor executor;
    private MessageConsumer<byte[]> broadcasts;
    private final String workerId = "worker-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private long poll = -1;
    private boolean claiming;
    private boolean stopping;
    private JobRun current;
    private Promise<Void> currentDone;

    @Override
    public Future<?> start() {
        settings = WorkerConfig.from(config());
        link = new RegistryLink(vertx, new ProtocolCodec(settings.clusterSecret()));
        return vertx.executeBlocking(() -> {
                    var engine = new DockerExecutor(settings.dockerHost(), settings.workDir().resolve("docker-config"));
                    try {
                        engine.ping();
                    } catch (RuntimeException e) {
                        engine.close();
                        throw new IllegalStateException("the Docker engine at " + settings.dockerHost()
                                + " does not answer: " + e.getMessage(), e);
                    }
                    return engine;
                })
                .compose(engine -> {
                    executor = engine;
                    broadcasts = vertx.eventBus().consumer(BuildProtocol.WORKERS, this::broadcast);
                    return broadcasts.completion();
                })
                .onSuccess(v -> {
                    poll = vertx.setPeriodic(POLL_MS, id -> claim());
                    LOG.info("Build worker {} is ready (Docker at {})", workerId, settings.dockerHost());
                    claim();
                });
    }

    private void broadcast(Message<byte[]> message) {
        BuildMessage decoded;
        try {
            decoded = link.codec().decode(message.body());
        } catch (ProtocolException e) {
            LOG.warn("Ignored a message to workers: {}", e.getMessage());
            return;
        }
        if (decoded instanceof BuildMessage.Wake) claim();
        else if (decoded instanceof BuildMessage.Cancel c && current != null && current.buildUuid().equals(c.buildUuid())) {
            LOG.info("Cancelling build {}", c.buildUuid());
            current.stop(JobRun.Stop.CANCELLED);
        }
    }

    private void claim() {
        if (current != null || claiming || stopping) return;
        claiming = true;
        link.request(BuildProtocol.CLAIM, new BuildMessage.Claim(workerId))
                .onComplete(ar -> {
                    claiming = false;
                    if (ar.succeeded() && ar.result() instanceof BuildMessage.Offer offer && !stopping) run(offer);
                });
    }

    private void run(BuildMessage.Offer offer) {
        var context = vertx.getOrCreateContext();
        JobRun run = new JobRun(vertx, context, link, workerId, settings, executor, offer);
        current = run;
        currentDone = Promise.promise();
        Promise<Void> done = currentDone;
        LOG.info("Building {}", offer.job());
        Thread.ofVirtual().name("build-" + offer.job().buildUuid()).start(() -> {
            try {
                run.run();
            } finally {
                context.runOnContext(v -> {
                    current = null;
                    done.complete();
                    claim();
                });
            }
        });
    }

    /** Stops claiming; a running job is stopped and reported as an internal error, so it is retried elsewhere. */
    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(poll);
        Future<Void> running = Future.succeededFuture();
        if (current != null) {
            current.stop(JobRun.Stop.SHUTDOWN);
            running = currentDone.future();
        }
        Future<Void> unregistered = broadcasts == null ? Future.succeededFuture() : broadcasts.unregister();
        return Future.all(running, unregistered).eventually(() -> executor == null ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    executor.close();
                    return null;
                }));
    }
}
