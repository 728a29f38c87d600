package io.berth.registry.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretsTest {

    @Test
    void generatedOnceAndKeptPrivate(@TempDir Path dir) throws Exception {
        Secrets first = Secrets.loadOrCreate(dir, null, null);
        Secrets second = Secrets.loadOrCreate(dir, null, null);
        assertEquals(first.keyId(), second.keyId());
        assertArrayEquals(first.databaseKey(), second.databaseKey());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("secrets/registry-jwt-key.pem")));
        assertNotEquals(first.keyId(), Secrets.loadOrCreate(dir.resolve("other"), null, null).keyId());
    }

    @Test
    void configuredSecretsAreSharedAcrossNodes(@TempDir Path a, @TempDir Path b) throws Exception {
        Secrets generated = Secrets.loadOrCreate(a, null, null);
        Path shared = a.resolve("secrets/registry-jwt-key.pem");
        Secrets nodeA = Secrets.loadOrCreate(a, shared, "database secret");
        Secrets nodeB = Secrets.loadOrCreate(b, shared, "database secret");
        assertEquals(generated.keyId(), nodeB.keyId());
        assertArrayEquals(nodeA.databaseKey(), nodeB.databaseKey());
        var box = new SecretBox(nodeA.databaseKey());
        assertEquals("robot-token", new SecretBox(nodeB.databaseKey()).open(box.seal("robot-token")));
    }

    @Test
    void aKeyInTheWrongFormatIsRefusedWithAHint(@TempDir Path dir) throws Exception {
        Path pkcs1 = dir.resolve("key.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Secrets.loadOrCreate(dir, pkcs1, null));
        assertEquals(true, e.getMessage().contains("PKCS#8"));
    }
}
