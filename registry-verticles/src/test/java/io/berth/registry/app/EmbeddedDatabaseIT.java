package io.berth.registry.app;

import io.berth.registry.config.ConfigLoader;
import io.berth.registry.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no DB_URI Berth runs its own PostgreSQL under the data directory; data and secrets survive a restart. */
class EmbeddedDatabaseIT {

    @Test
    void embeddedDatabaseSurvivesRestartAndStopsWithBerth(@TempDir Path dataDir) throws Exception {
        int port = TestServer.freePort();
        var config = ConfigLoader.from(Map.of("HTTP_PORT", port, "DATA_DIR", dataDir.toString()));

        Vertx first = Vertx.vertx();
        Berth berth = Berth.start(first, config).await(3, TimeUnit.MINUTES);
        berth.services().database().pool()
                .preparedQuery("INSERT INTO account (uuid, username, kind) VALUES (gen_random_uuid(), $1, 'user')")
                .execute(Tuple.of("survivor")).await(30, TimeUnit.SECONDS);
        String key = Files.readString(dataDir.resolve("secrets/registry-jwt-key.pem"));
        assertTrue(Files.exists(dataDir.resolve("postgres/postmaster.pid")), "PostgreSQL runs from the data directory");
        berth.stop().await(60, TimeUnit.SECONDS);
        first.close().await(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(dataDir.resolve("postgres/postmaster.pid")), "stopping Berth stops PostgreSQL");

        Vertx second = Vertx.vertx();
        Berth again = Berth.start(second, config).await(3, TimeUnit.MINUTES);
        try {
            var found = again.services().accounts().findByUsername(again.services().database().pool(), "survivor")
                    .await(30, TimeUnit.SECONDS);
            assertEquals("survivor", found.username());
            assertEquals(key, Files.readString(dataDir.resolve("secrets/registry-jwt-key.pem")), "secrets are reused");
        } finally {
            again.stop().await(60, TimeUnit.SECONDS);
            second.close().await(30, TimeUnit.SECONDS);
        }
    }
}
