package io.berth.registry.gc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Work that runs on a timer and on demand, one run at a time per node: a run asked for while one is in progress
 * joins it rather than starting a second.
 */
final class BackgroundJob<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundJob.class);

    private final Vertx vertx;
    private final String name;
    private final Supplier<Future<T>> work;
    private long timer = -1;
    private Future<T> running;

    BackgroundJob(Vertx vertx, String name, Supplier<Future<T>> work) {
        this.vertx = vertx;
        this.name = name;
        this.work = work;
    }

    synchronized void start(Duration every) {
        if (timer >= 0) return;
        timer = vertx.setPeriodic(every.toMillis(), every.toMillis(), t -> run()
                .onFailure(err -> LOG.warn("{} failed: {}", name, err.getMessage(), err)));
    }

    synchronized void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    /** Runs the work, or joins the run in progress. */
    synchronized Future<T> run() {
        if (running != null) return running;
        Future<T> run = Future.<Void>succeededFuture().compose(v -> work.get());
        running = run;
        run.onComplete(ar -> {
            synchronized (this) {
                running = null;
            }
        });
        return run;
    }
}
