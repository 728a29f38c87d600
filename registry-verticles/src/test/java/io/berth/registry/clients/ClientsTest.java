package io.berth.registry.clients;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A missing client may skip a test on a developer's machine, never in CI. */
class ClientsTest {
    @Test
    void missingClientFailsInCi() {
        assertThrows(AssertionFailedError.class, () -> Clients.require(true, false, "podman"));
    }

    @Test
    void missingClientSkipsOutsideCi() {
        assertThrows(TestAbortedException.class, () -> Clients.require(false, false, "podman"));
    }

    @Test
    void presentClientPassesEverywhere() {
        assertDoesNotThrow(() -> Clients.require(true, true, "podman"));
        assertDoesNotThrow(() -> Clients.require(false, true, "podman"));
    }

    @Test
    void onPathFindsShellAndNotNonsense() {
        org.junit.jupiter.api.Assertions.assertTrue(Clients.onPath("sh"));
        org.junit.jupiter.api.Assertions.assertFalse(Clients.onPath("no-such-client-berth"));
    }
}
