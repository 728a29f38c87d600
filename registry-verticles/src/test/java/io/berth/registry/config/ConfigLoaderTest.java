package io.berth.registry.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void appSpecificTokensAreOnNeverExpireUnlessConfiguredAndAreCollectedADayAfterExpiring() {
        assertEquals(new BerthConfig.AppTokens(true, null, Duration.ofDays(1)), ConfigLoader.from(Map.of()).appTokens());
        assertEquals(new BerthConfig.AppTokens(true, null, Duration.ofHours(6)),
                ConfigLoader.from(Map.of("EXPIRED_APP_SPECIFIC_TOKEN_GC", "6h")).appTokens());
        // as Quay's worker: with the feature off, expired tokens are collected only when the key is set
        assertEquals(new BerthConfig.AppTokens(false, Duration.ofDays(90), null), ConfigLoader.from(Map.of(
                "FEATURE_APP_SPECIFIC_TOKENS", false, "APP_SPECIFIC_TOKEN_EXPIRATION", "90d")).appTokens());
        assertEquals(new BerthConfig.AppTokens(false, null, Duration.ofDays(2)), ConfigLoader.from(Map.of(
                "FEATURE_APP_SPECIFIC_TOKENS", false, "EXPIRED_APP_SPECIFIC_TOKEN_GC", "2d")).appTokens());
        assertMessageNames("APP_SPECIFIC_TOKEN_EXPIRATION", Map.of("APP_SPECIFIC_TOKEN_EXPIRATION", "3 months"));
        assertMessageNames("EXPIRED_APP_SPECIFIC_TOKEN_GC", Map.of("EXPIRED_APP_SPECIFIC_TOKEN_GC", "a day"));
    }

    @Test
    void tagLifecycleAndGarbageCollectionKeys() {
        BerthConfig defaults = ConfigLoader.from(Map.of());
        assertTrue(defaults.tags().permanentlyDelete(), "Berth allows permanent deletion unless told otherwise");
        assertEquals(Duration.ofHours(1), defaults.tags().expirationMinimum());
        assertEquals(Duration.ofDays(7 * 104), defaults.tags().expirationMaximum());
        assertTrue(defaults.tags().reservedLabelPrefixes().containsAll(List.of("quay", "io.k8s.", "com.docker.")));
        assertEquals(new BerthConfig.Gc(true, Duration.ofSeconds(30), Duration.ofHours(1)), defaults.gc());
        assertEquals(Duration.ofHours(1), defaults.builds().userFilesExpiration());
        assertEquals(Duration.ofDays(14), defaults.defaultTagExpiration());
        assertEquals(List.of("0s", "1d", "1w", "2w", "4w"), defaults.tagExpirationOptions());
        assertTrue(defaults.featureChangeTagExpiration());
        assertFalse(ConfigLoader.from(Map.of("FEATURE_CHANGE_TAG_EXPIRATION", false)).featureChangeTagExpiration());

        BerthConfig c = ConfigLoader.from(Map.of("PERMANENTLY_DELETE_TAGS", false, "LABELED_EXPIRATION_MINIMUM", "5m",
                "LABEL_KEY_RESERVED_PREFIXES", List.of("com.example."), "FEATURE_GARBAGE_COLLECTION", false,
                "GARBAGE_COLLECTION_FREQUENCY", 5, "PUSH_TEMP_TAG_EXPIRATION_SEC", 0));
        assertFalse(c.tags().permanentlyDelete());
        assertEquals(Duration.ofMinutes(5), c.tags().expirationMinimum());
        assertTrue(c.tags().reservedLabelPrefixes().contains("com.example."));
        assertEquals(new BerthConfig.Gc(false, Duration.ofSeconds(5), Duration.ZERO), c.gc());
        assertEquals(Duration.ofMinutes(30),
                ConfigLoader.from(Map.of("USERFILES_EXPIRATION", "30m")).builds().userFilesExpiration());

        assertMessageNames("LABEL_KEY_RESERVED_PREFIXES", Map.of("LABEL_KEY_RESERVED_PREFIXES", List.of("com.example")));
        assertMessageNames("LABELED_EXPIRATION_MINIMUM", Map.of("LABELED_EXPIRATION_MINIMUM", "3w",
                "LABELED_EXPIRATION_MAXIMUM", "1w"));
        assertMessageNames("GARBAGE_COLLECTION_FREQUENCY", Map.of("GARBAGE_COLLECTION_FREQUENCY", 0));
        assertMessageNames("PUSH_TEMP_TAG_EXPIRATION_SEC", Map.of("PUSH_TEMP_TAG_EXPIRATION_SEC", -1));
        assertMessageNames("USERFILES_EXPIRATION", Map.of("USERFILES_EXPIRATION", "soon"));
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
