package io.berth.builder;

import io.berth.model.build.BuildMessage;
import io.berth.model.build.ProtocolCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Requests to the registry over the event bus, signed and checked with the cluster secret. */
final class RegistryLink {
    static final long TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final ProtocolCodec codec;

    RegistryLink(Vertx vertx, ProtocolCodec codec) {
        this.vertx = vertx;
        this.codec = codec;
    }

    ProtocolCodec codec() { return codec; }

    Future<BuildMessage> request(String address, BuildMessage message) {
        return vertx.eventBus().<byte[]>request(address, codec.encode(message), new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
                .compose(reply -> {
                    try {
                        return Future.succeededFuture(codec.decode(reply.body()));
                    } catch (io.berth.model.build.ProtocolException e) {
                        return Future.failedFuture(e);
                    }
                });
    }

    /** A request from a job's own (virtual) thread, which may block. */
    BuildMessage.Ack call(String address, BuildMessage message) throws IOException, InterruptedException {
        try {
            BuildMessage reply = request(address, message).toCompletionStage().toCompletableFuture()
                    .get(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
            if (reply instanceof BuildMessage.Ack ack) return ack;
            throw new IOException("the registry answered with " + reply.getClass().getSimpleName());
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the registry did not answer: " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        }
    }
}
