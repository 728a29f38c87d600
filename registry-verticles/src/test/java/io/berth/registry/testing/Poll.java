package io.berth.registry.testing;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits for a condition that something in the background makes true, checking it on a timer. */
public final class Poll {
    private Poll() {}

    /** Returns once {@code condition} holds; fails when it still does not after {@code deadline}. */
    public static void until(Vertx vertx, Duration deadline, String what, BooleanSupplier condition) {
        var done = new CompletableFuture<Void>();
        long timer = vertx.setPeriodic(0, 100, id -> {
            if (condition.getAsBoolean()) done.complete(null);
        });
        try {
            done.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("still not true after " + deadline + ": " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            vertx.cancelTimer(timer);
        }
    }
}
