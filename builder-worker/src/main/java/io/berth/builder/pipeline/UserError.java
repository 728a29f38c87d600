package io.berth.builder.pipeline;

/** A build failure caused by the user's input (context, Dockerfile, base image): reported as {@code error}, never retried. */
public final class UserError extends Exception {
    public UserError(String message) {
        super(message, null, false, false);
    }
}
