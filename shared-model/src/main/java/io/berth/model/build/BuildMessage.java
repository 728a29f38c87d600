package io.berth.model.build;

import java.util.List;
import java.util.Map;

/**
 * The build protocol between registry nodes and workers: the only things that cross the event bus for builds. Every
 * message travels through {@link ProtocolCodec}, which signs it with the cluster secret. A worker names the job it
 * holds by build uuid and lease token; the registry accepts a state change only for the lease it granted.
 */
public sealed interface BuildMessage {

    /** Worker → build manager ({@link BuildProtocol#CLAIM}): the worker is idle; answered by {@link Offer} or {@link NoWork}. */
    record Claim(String workerId) implements BuildMessage {}

    /** A job for the claiming worker, held under {@code leaseToken} for {@code leaseSeconds} unless renewed. */
    record Offer(String leaseToken, int leaseSeconds, BuildJob job) implements BuildMessage {}

    record NoWork() implements BuildMessage {}

    /** Worker → registry: renews the lease. The answer's {@code cancel} tells the worker to stop the build. */
    record Heartbeat(String workerId, String buildUuid, String leaseToken) implements BuildMessage {}

    /** Worker → registry: the job entered a phase; {@code data} is shown with the phase's log entry (pull metadata). */
    record PhaseChange(String buildUuid, String leaseToken, BuildPhase phase, Map<String, String> data)
            implements BuildMessage {}

    /** One line of build output; sequence numbers start at 1 for each job and only grow. */
    record LogLine(long sequence, String message, String type) {}

    /** Worker → registry: output lines in sequence order; lines the registry already has are ignored. */
    record LogLines(String buildUuid, String leaseToken, List<LogLine> lines) implements BuildMessage {}

    /** How a job ended on the worker. */
    enum Outcome {
        COMPLETE,
        /** The user's input is at fault (bad Dockerfile, failing RUN, missing base image): never retried. */
        ERROR,
        /** The worker or its engine failed: the build is tried again while it has tries left. */
        INTERNAL_ERROR,
        CANCELLED
    }

    /** Worker → registry: the job's end, with the manifest digest pushed for each tag. */
    record Result(String buildUuid, String leaseToken, Outcome outcome, String message, String imageId,
                  Map<String, String> pushedDigests) implements BuildMessage {}

    /** Registry → worker: whether the message was accepted, and whether the build should stop. */
    record Ack(boolean accepted, boolean cancel, String reason) implements BuildMessage {
        public static final Ack OK = new Ack(true, false, null);
    }

    /** Registry → all workers ({@link BuildProtocol#WORKERS}): stop this build if you run it. */
    record Cancel(String buildUuid) implements BuildMessage {}

    /** Registry → all workers: builds are waiting; idle workers should claim. */
    record Wake() implements BuildMessage {}
}
