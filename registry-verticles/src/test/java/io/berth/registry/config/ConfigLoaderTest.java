package io.berth.registry.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @Test
    void defaultsRunWithoutAnyConfig(@TempDir Path dir) {
        BerthConfig c = ConfigLoader.load(null, new ConfigLoader.Overrides(9000, dir), Map.of());
        assertEquals(9000, c.port());
        assertEquals("localhost:9000", c.serverHostname());
        assertEquals(dir.resolve("storage"), c.storagePath());
        assertEquals(null, c.dbUri());
        assertTrue(c.featureAnonymousAccess());
        assertFalse(c.readOnly());
    }

    @Test
    void quayStyleFileIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                SERVER_HOSTNAME: registry.example.com
                PREFERRED_URL_SCHEME: https
                DB_URI: postgresql://quay:secret@db.example.com:5433/quay
                REGISTRY_STATE: readonly
                SUPER_USERS: [admin]
                DISTRIBUTED_STORAGE_CONFIG:
                  local_us: [LocalStorage, {storage_path: /var/berth/storage}]
                DISTRIBUTED_STORAGE_PREFERENCE: [local_us]
                """);
        BerthConfig c = ConfigLoader.load(file, ConfigLoader.Overrides.NONE, Map.of());
        assertEquals("https://registry.example.com", c.baseUrl());
        assertTrue(c.readOnly());
        assertTrue(c.isSuperUser("admin"));
        assertEquals(Path.of("/var/berth/storage"), c.storagePath());
        assertEquals("postgresql://quay:secret@db.example.com:5433/quay", c.dbUri());
    }

    @Test
    void flagsAndEnvironmentOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "HTTP_PORT: 7000\nFEATURE_ANONYMOUS_ACCESS: true\n");
        BerthConfig c = ConfigLoader.load(file, new ConfigLoader.Overrides(7001, dir),
                Map.of("BERTH_FEATURE_ANONYMOUS_ACCESS", "false", "PATH", "/bin"));
        assertEquals(7001, c.port());
        assertFalse(c.featureAnonymousAccess());
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertMessageNames("REGISTRY_STATE", Map.of("REGISTRY_STATE", "frozen"));
        assertMessageNames("FEATURE_USER_CREATION", Map.of("FEATURE_USER_CREATION", "maybe"));
        assertMessageNames("DB_URI", Map.of("DB_URI", "mysql+pymysql://x"));
        assertMessageNames("HTTP_PORT", Map.of("HTTP_PORT", "eighty"));
        assertMessageNames("TAG_EXPIRATION_OPTIONS", Map.of("TAG_EXPIRATION_OPTIONS", List.of("2 weeks")));
        assertMessageNames("MAXIMUM_LAYER_SIZE", Map.of("MAXIMUM_LAYER_SIZE", "20T"));
        assertMessageNames("DISTRIBUTED_STORAGE_CONFIG",
                Map.of("DISTRIBUTED_STORAGE_CONFIG", Map.of("s3", List.of("S3Storage", Map.of()))));
    }

    @Test
    void unknownKeysOnlyWarnWithTheClosestKnownKey() {
        BerthConfig c = ConfigLoader.from(Map.of("FEATURE_ANONYMOUS_ACESS", false));
        assertTrue(c.featureAnonymousAccess(), "a misspelt key changes nothing");
        assertEquals("FEATURE_ANONYMOUS_ACCESS", ConfigLoader.closest("FEATURE_ANONYMOUS_ACESS"));
        assertEquals("SERVER_HOSTNAME", ConfigLoader.closest("SERVER_HOSTNAM"));
    }

    @Test
    void missingConfigFileIsAnError(@TempDir Path dir) {
        var e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.yaml"), ConfigLoader.Overrides.NONE, Map.of()));
        assertTrue(e.getMessage().contains("nope.yaml"));
    }

    private static void assertMessageNames(String key, Map<String, Object> raw) {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.from(raw));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
