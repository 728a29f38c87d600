package io.berth.registry.iam;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How an organization found by its e-mail address is named to whoever typed it: Quay's redaction. */
class RecoveryServiceTest {
    @Test
    void theMiddleThirdAndMoreIsHidden() {
        assertEquals("ab", RecoveryService.redact("ab"));
        assertEquals("a\u2022c", RecoveryService.redact("abc"));
        assertEquals("a\u2022\u2022e", RecoveryService.redact("acme"));
        assertEquals("in\u2022\u2022\u2022\u2022h", RecoveryService.redact("initech"));
        assertEquals("org\u2022\u2022\u2022\u2022\u2022\u2022ion", RecoveryService.redact("organization"));
    }
}
