package io.berth.model.build;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * A build's phase, spelled as Quay stores and shows it (quay-api.md §3.12). {@link #EXPIRED} is never stored: the API
 * shows it for an {@code internalerror} build that has no tries left.
 */
public enum BuildPhase {
    WAITING("waiting"),
    BUILD_SCHEDULED("build-scheduled"),
    UNPACKING("unpacking"),
    PULLING("pulling"),
    BUILDING("building"),
    PUSHING("pushing"),
    COMPLETE("complete"),
    ERROR("error"),
    INTERNAL_ERROR("internalerror"),
    CANCELLED("cancelled"),
    EXPIRED("expired");

    private final String wire;

    BuildPhase(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() { return wire; }

    @JsonCreator
    public static BuildPhase fromWire(String wire) {
        return Arrays.stream(values()).filter(p -> p.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown build phase " + wire));
    }

    public boolean terminal() {
        return this == COMPLETE || this == ERROR || this == INTERNAL_ERROR || this == CANCELLED || this == EXPIRED;
    }

    /** The phases a worker reports while it runs a job. */
    public boolean reportedByWorker() {
        return this == UNPACKING || this == PULLING || this == BUILDING || this == PUSHING;
    }
}
