package io.berth.registry.build;

import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildProtocol;
import io.berth.model.build.ProtocolCodec;
import io.vertx.core.Vertx;

/** What the registry says to workers unprompted: wake up (work is waiting) and cancel. Signed like every message. */
public final class BuildBus {
    private final Vertx vertx;
    private final ProtocolCodec codec;

    public BuildBus(Vertx vertx, ProtocolCodec codec) {
        this.vertx = vertx;
        this.codec = codec;
    }

    public ProtocolCodec codec() { return codec; }

    public void wake() {
        vertx.eventBus().publish(BuildProtocol.WORKERS, codec.encode(new BuildMessage.Wake()));
    }

    public void cancel(String buildUuid) {
        vertx.eventBus().publish(BuildProtocol.WORKERS, codec.encode(new BuildMessage.Cancel(buildUuid)));
    }
}
