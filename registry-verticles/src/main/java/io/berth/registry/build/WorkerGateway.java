package io.berth.registry.build;

import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildProtocol;
import io.berth.model.build.ProtocolCodec;
import io.berth.model.build.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes workers' heartbeats, phase changes, log lines and results on every registry node: each is checked against
 * the lease in PostgreSQL, so it does not matter which node answers.
 */
public final class WorkerGateway {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerGateway.class);

    private final Vertx vertx;
    private final BuildQueue queue;
    private final ProtocolCodec codec;
    private MessageConsumer<byte[]> consumer;

    public WorkerGateway(Vertx vertx, BuildQueue queue, ProtocolCodec codec) {
        this.vertx = vertx;
        this.queue = queue;
        this.codec = codec;
    }

    public Future<Void> start() {
        consumer = vertx.eventBus().consumer(BuildProtocol.UPDATES, this::handle);
        return consumer.completion();
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    private void handle(Message<byte[]> message) {
        BuildMessage decoded;
        try {
            decoded = codec.decode(message.body());
        } catch (ProtocolException e) {
            LOG.warn("Refused a build protocol message: {}", e.getMessage());
            message.fail(403, e.getMessage());
            return;
        }
        Future<BuildMessage.Ack> answer = switch (decoded) {
            case BuildMessage.Heartbeat h -> queue.heartbeat(h);
            case BuildMessage.PhaseChange p -> queue.phase(p);
            case BuildMessage.LogLines l -> queue.logs(l);
            case BuildMessage.Result r -> queue.result(r);
            default -> Future.succeededFuture(new BuildMessage.Ack(false, false, "not an update"));
        };
        answer.onSuccess(ack -> message.reply(codec.encode(ack)))
                .onFailure(err -> {
                    LOG.error("Could not take a build update", err);
                    message.fail(500, "internal error");
                });
    }
}
