package io.berth.registry.testing;


import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that something in the background makes true, checking it every 100 ms on the test's own
 * thread, so a condition may block (a database query through the test fixtures) without stalling an event loop.
 */
public final class Poll {
    private Poll() {}

    /** Returns once {@code condition} holds; fails when it still does not after {@code deadline}. */
    public static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("still not true after " + deadline + ": " + what);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
