package io.berth.model.build;

/** A protocol message that is malformed or not signed with the cluster secret. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
