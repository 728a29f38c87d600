package io.berth.builder;

import io.berth.builder.pipeline.BuildExecutor;
import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildProtocol;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams a job's output lines to the registry in order, numbered from 1. Lines are batched; one batch is in flight
 * at a time; a batch that got no answer is sent again (the registry ignores lines it already has).
 */
final class LogShipper implements BuildExecutor.Log {
    private static final int BATCH = 500;

    private final Context context;
    private final RegistryLink link;
    private final String buildUuid;
    private final String leaseToken;
    private final ConcurrentLinkedDeque<BuildMessage.LogLine> pending = new ConcurrentLinkedDeque<>();
    private final AtomicLong sequence = new AtomicLong();
    /** The last send, on the context's thread only. */
    private Future<Void> inFlight = Future.succeededFuture();
    private volatile BuildMessage.Ack lastAnswer;

    LogShipper(Context context, RegistryLink link, String buildUuid, String leaseToken) {
        this.context = context;
        this.link = link;
        this.buildUuid = buildUuid;
        this.leaseToken = leaseToken;
    }

    @Override
    public void line(String message, String type) {
        pending.add(new BuildMessage.LogLine(sequence.incrementAndGet(), message, type));
    }

    /** The registry's last answer to a batch, or null before the first. */
    BuildMessage.Ack lastAnswer() { return lastAnswer; }

    /** Sends everything pending now; from any thread. Completes when the registry has it (or gave no answer). */
    Future<Void> flush() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            inFlight = inFlight.transform(ar -> sendPending());
            inFlight.onComplete(done);
        });
        return done.future();
    }

    private Future<Void> sendPending() {
        List<BuildMessage.LogLine> batch = new ArrayList<>();
        for (BuildMessage.LogLine l; batch.size() < BATCH && (l = pending.poll()) != null; ) batch.add(l);
        if (batch.isEmpty()) return Future.succeededFuture();
        return link.request(BuildProtocol.UPDATES, new BuildMessage.LogLines(buildUuid, leaseToken, batch))
                .transform(ar -> {
                    if (ar.failed() || !(ar.result() instanceof BuildMessage.Ack ack)) {
                        for (int i = batch.size() - 1; i >= 0; i--) pending.addFirst(batch.get(i));
                        return Future.succeededFuture();
                    }
                    lastAnswer = ack;
                    return ack.accepted() ? sendPending() : Future.succeededFuture();
                });
    }
}
