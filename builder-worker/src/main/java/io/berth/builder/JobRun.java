package io.berth.builder;

import io.berth.builder.pipeline.BuildExecutor;
import io.berth.builder.pipeline.Cancel;
import io.berth.builder.pipeline.Dockerfiles;
import io.berth.builder.pipeline.FetchContextStep;
import io.berth.builder.pipeline.ImageName;
import io.berth.builder.pipeline.UserError;
import io.berth.model.build.BuildJob;
import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildMessage.Outcome;
import io.berth.model.build.BuildPhase;
import io.berth.model.build.BuildProtocol;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job on a worker, run on a virtual thread: fetch the context, pull the base images, build, push each tag, then
 * report the result. Heartbeats renew the lease meanwhile; an answer that the lease is gone stops the job without a
 * report, and a cancel stops it with one.
 */
final class JobRun {
    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    /** Why a job was stopped before its end. */
    enum Stop { CANCELLED, LEASE_LOST, SHUTDOWN }

    private final Vertx vertx;
    private final RegistryLink link;
    private final String workerId;
    private final WorkerConfig config;
    private final BuildExecutor executor;
    private final BuildMessage.Offer offer;
    private final BuildJob job;
    private final LogShipper logs;
    private final Cancel cancel = new Cancel();
    private volatile Stop stop;

    JobRun(Vertx vertx, Context context, RegistryLink link, String workerId, WorkerConfig config,
           BuildExecutor executor, BuildMessage.Offer offer) {
        this.vertx = vertx;
        this.link = link;
        this.workerId = workerId;
        this.config = config;
        this.executor = executor;
        this.offer = offer;
        this.job = offer.job();
        this.logs = new LogShipper(context, link, job.buildUuid(), offer.leaseToken());
    }

    String buildUuid() { return job.buildUuid(); }

    void stop(Stop why) {
        if (stop == null) stop = why;
        cancel.fire();
    }

    void run() {
        long period = Math.max(500, offer.leaseSeconds() * 1000L / 3);
        long heartbeats = vertx.setPeriodic(period, id -> heartbeat());
        long shipping = vertx.setPeriodic(300, id -> logs.flush());
        String localTag = "berth-build/" + job.buildUuid() + ":latest";
        Outcome outcome;
        String message = null;
        String imageId = null;
        Map<String, String> digests = new LinkedHashMap<>();
        Path work = null;
        try {
            work = Files.createTempDirectory(Files.createDirectories(config.workDir()), "build-");
            phase(BuildPhase.UNPACKING, Map.of());
            Path root = new FetchContextStep(config.maxContextSize(), config.maxContextFiles())
                    .fetch(job.source(), work, logs, cancel);
            Path context = inside(root, root.resolve(job.context()), "The build context /" + job.context()
                    + " is not a directory of the build package");
            Path dockerfile = inside(context, context.resolve(job.dockerfilePath()),
                    "The Dockerfile must be inside the build context");
            if (!Files.isRegularFile(dockerfile)) throw new UserError("Missing Dockerfile " + job.dockerfilePath());
            List<ImageName> bases = Dockerfiles.baseImages(Files.readString(dockerfile));
            phase(BuildPhase.PULLING, pullMetadata(bases));
            for (ImageName base : bases) {
                logs.line("Pulling base image " + base, null);
                executor.pull(base, job.pullCredentials(), logs, cancel);
            }
            phase(BuildPhase.BUILDING, Map.of());
            imageId = executor.build(context, dockerfile, job.pullCredentials(), localTag, logs, cancel);
            phase(BuildPhase.PUSHING, Map.of());
            for (String tag : job.tags()) {
                String digest = executor.push(imageId, job.repository(), tag, job.registry(), job.pushToken(), logs, cancel);
                logs.line("Pushed " + job.registry() + "/" + job.repository() + ":" + tag + " as " + digest, null);
                digests.put(tag, digest);
            }
            outcome = Outcome.COMPLETE;
        } catch (UserError e) {
            outcome = stop != null ? stopped() : Outcome.ERROR;
            message = e.getMessage();
        } catch (Cancel.Stopped e) {
            outcome = stopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = stopped();
        } catch (Exception e) {
            outcome = stop != null ? stopped() : Outcome.INTERNAL_ERROR;
            message = "The build worker failed: " + e.getMessage();
            if (stop == null) LOG.warn("Build {} failed on this worker", job.buildUuid(), e);
        } finally {
            vertx.cancelTimer(heartbeats);
            vertx.cancelTimer(shipping);
            cleanUp(imageId != null ? localTag : null, work);
        }
        if (outcome == Outcome.INTERNAL_ERROR && stop == Stop.SHUTDOWN) message = "The build worker shut down";
        if (stop != Stop.LEASE_LOST) report(outcome, message, imageId, digests);
    }

    /**
     * Removes the build's own image and files; a failure here must not keep the result from the registry. Pulled base
     * images stay in the engine as a cache for the builds to come (removing them would race the other builds on it).
     */
    private void cleanUp(String localTag, Path work) {
        try {
            if (localTag != null) executor.untag(localTag);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the images of build {}: {}", job.buildUuid(), e.getMessage());
        }
        if (work != null) delete(work);
    }

    private Outcome stopped() {
        return stop == Stop.CANCELLED ? Outcome.CANCELLED : Outcome.INTERNAL_ERROR;
    }

    /** Sends the phase after the lines before it; a refusal means the lease is gone or the build was cancelled. */
    private void phase(BuildPhase phase, Map<String, String> data) throws Exception {
        cancel.check();
        await(logs.flush());
        BuildMessage.Ack ack = link.call(BuildProtocol.UPDATES,
                new BuildMessage.PhaseChange(job.buildUuid(), offer.leaseToken(), phase, data));
        if (!ack.accepted()) stop(Stop.LEASE_LOST);
        else if (ack.cancel()) stop(Stop.CANCELLED);
        cancel.check();
    }

    private void heartbeat() {
        link.request(BuildProtocol.UPDATES, new BuildMessage.Heartbeat(workerId, job.buildUuid(), offer.leaseToken()))
                .onSuccess(reply -> {
                    if (reply instanceof BuildMessage.Ack ack) {
                        if (!ack.accepted()) stop(Stop.LEASE_LOST);
                        else if (ack.cancel()) stop(Stop.CANCELLED);
                    }
                })
                .onFailure(err -> LOG.warn("Heartbeat for build {} got no answer: {}", job.buildUuid(), err.getMessage()));
    }

    private void report(Outcome outcome, String message, String imageId, Map<String, String> digests) {
        try {
            await(logs.flush());
            link.call(BuildProtocol.UPDATES, new BuildMessage.Result(job.buildUuid(), offer.leaseToken(), outcome,
                    message, imageId, digests));
        } catch (Exception e) {
            // the lease lapses and the registry retries the build
            LOG.warn("Could not report the result of build {}: {}", job.buildUuid(), e.getMessage());
        }
    }

    private static Map<String, String> pullMetadata(List<ImageName> bases) {
        if (bases.isEmpty()) return Map.of();
        ImageName base = bases.get(0);
        var data = new LinkedHashMap<String, String>();
        data.put("registry_url", base.registry() == null ? "docker.io" : base.registry());
        data.put("base_image", base.fullRepository());
        data.put("base_image_tag", base.tag() != null ? base.tag() : base.digest());
        return data;
    }

    /** {@code path} resolved through links, which must stay inside {@code dir}. */
    private static Path inside(Path dir, Path path, String refusal) throws IOException, UserError {
        if (!Files.exists(path)) throw new UserError(refusal);
        Path real = path.toRealPath();
        if (!real.startsWith(dir.toRealPath())) throw new UserError(refusal);
        return real;
    }

    private static void await(io.vertx.core.Future<?> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get(RegistryLink.TIMEOUT_MS * 3, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not remove the work directory {}: {}", dir, e.getMessage());
        }
    }
}
