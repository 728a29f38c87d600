package io.berth.builder;

/**
 * Entry point of a builder worker. The worker joins the registry's cluster and runs build jobs; that capability
 * arrives with the builds issue, so for now it only states that and exits non-zero, rather than pretend to work.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) {
        System.err.println("berth-builder: Dockerfile builds are not available in this version of Berth yet.");
        System.exit(1);
    }
}
