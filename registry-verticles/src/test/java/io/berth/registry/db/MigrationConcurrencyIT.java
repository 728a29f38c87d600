package io.berth.registry.db;

import io.berth.registry.config.ConfigLoader;
import io.berth.registry.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Several nodes starting at once against one fresh database migrate it exactly once, and all come up. */
class MigrationConcurrencyIT {

    @Test
    void concurrentStartsMigrateOnce(@TempDir Path dir) throws Exception {
        String uri = TestDatabase.freshDatabaseUri();
        var config = ConfigLoader.from(Map.of("DB_URI", uri, "DATA_DIR", dir.toString()));
        Vertx vertx = Vertx.vertx();
        try {
            List<Future<Database>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) opening.add(Database.open(vertx, config));
            List<Database> nodes = Future.all(opening).await(2, TimeUnit.MINUTES).list();
            long applied = nodes.get(0).pool()
                    .query("SELECT count(*) FROM flyway_schema_history WHERE success").execute()
                    .await(30, TimeUnit.SECONDS).iterator().next().getLong(0);
            long migrations;
            try (var files = Files.list(Path.of(getClass().getResource("/db/migration").toURI()))) {
                migrations = files.count();
            }
            assertEquals(migrations, applied, "each migration applied exactly once");
            nodes.forEach(Database::close);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
