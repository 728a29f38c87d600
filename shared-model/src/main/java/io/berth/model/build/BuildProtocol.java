package io.berth.model.build;

/** Event-bus addresses of the build protocol. */
public final class BuildProtocol {
    private BuildProtocol() {}

    /** Claims, consumed by the active build manager only. */
    public static final String CLAIM = "berth.build.claim";
    /** Heartbeats, phase changes, log lines and results, consumed by every registry node. */
    public static final String UPDATES = "berth.build.updates";
    /** Published to every worker: cancels and wake-ups. */
    public static final String WORKERS = "berth.build.workers";
}
