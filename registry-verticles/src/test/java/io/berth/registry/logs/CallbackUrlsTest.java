package io.berth.registry.logs;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbackUrlsTest {
    static boolean internal(String literal) throws Exception {
        return CallbackUrls.internal(InetAddress.getByName(literal));
    }

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String a : new String[]{"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:10.0.0.1",
                "::"}) {
            assertTrue(internal(a), a);
        }
        for (String a : new String[]{"8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2001:4860:4860::8888"}) {
            assertFalse(internal(a), a);
        }
    }
}
