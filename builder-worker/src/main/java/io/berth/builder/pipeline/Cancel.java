package io.berth.builder.pipeline;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;

/**
 * A build's stop signal. Steps register what must be closed to stop the engine's current work (a streaming call);
 * {@link #fire()} closes it and marks the build stopped, so later steps do not start.
 */
public final class Cancel {
    private final List<Closeable> running = new ArrayList<>();
    private boolean fired;

    /** Thrown by a step that notices the build was stopped. */
    public static final class Stopped extends Exception {
        public Stopped() {
            super("the build was stopped", null, false, false);
        }
    }

    public synchronized void fire() {
        if (fired) return;
        fired = true;
        for (Closeable c : running) {
            try {
                c.close();
            } catch (java.io.IOException ignored) {
                // stopping is best effort; the engine drops the work when its stream goes away
            }
        }
        running.clear();
    }

    public synchronized boolean fired() { return fired; }

    public void check() throws Stopped {
        if (fired()) throw new Stopped();
    }

    /** Registers work to close on cancel; closes it at once when the build was already stopped. */
    public void register(Closeable work) throws Stopped {
        synchronized (this) {
            if (!fired) {
                running.add(work);
                return;
            }
        }
        try {
            work.close();
        } catch (java.io.IOException ignored) {
            // already stopping
        }
        throw new Stopped();
    }

    public synchronized void unregister(Closeable work) {
        running.remove(work);
    }
}
