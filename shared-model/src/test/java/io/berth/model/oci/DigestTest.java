package io.berth.model.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DigestTest {

    @Test
    void knownVectors() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Digester.sha256(abc).toString());
        assertEquals("sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
                + "454d4423643ce80e2a9ac94fa54ca49f", Digester.of("sha512", abc).toString());
    }

    @Test
    void incrementalHashEqualsWholeHash() {
        byte[] data = new byte[100_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        Digester d = Digester.sha256();
        for (int off = 0; off < data.length; off += 777) d.update(data, off, Math.min(777, data.length - off));
        assertEquals(Digester.sha256(data), d.digest());
    }

    @Test
    void parsesAndRoundTrips() {
        String text = "sha256:" + "0123456789abcdef".repeat(4);
        assertEquals(text, Digest.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256", "sha256:", "sha256:ABC", "md5:d41d8cd98f00b204e9800998ecf8427e", ":abc",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", "sha512:00"})
    void rejectsMalformedDigests(String text) {
        assertEquals(ErrorCode.DIGEST_INVALID, assertThrows(BerthException.class, () -> Digest.parse(text)).code());
    }
}
