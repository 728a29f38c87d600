package io.berth.registry.logs;

import io.berth.registry.auth.Identity;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batched writer: nothing lost on a clean shutdown, partitions made on demand, the off switch, known kinds. */
class UsageLoggerIT {
    private static final Identity ALICE = new Identity(1L, "alice", Identity.Kind.USER, null);

    static long count(Fixtures fixtures) {
        return fixtures.query("SELECT count(*) FROM usage_log", Tuple.tuple()).get(0).getLong(0);
    }

    @Test
    void aCleanShutdownWritesEveryPendingEntry() {
        TestServer first = TestServer.start();
        for (int i = 0; i < 1_234; i++) {
            first.services().usage().log("pull_repo", null, ALICE, null, "127.0.0.1", new JsonObject().put("n", i));
        }
        first.close();
        try (TestServer second = TestServer.startSharing(first, Map.of())) {
            var fixtures = new Fixtures(second);
            assertEquals(1_234, count(fixtures));
            assertEquals(1_234, fixtures.query("SELECT count(DISTINCT metadata->>'n') FROM usage_log", Tuple.tuple())
                    .get(0).getLong(0));
        }
    }

    @Test
    void aMissingDayPartitionIsCreatedWhenAnEntryNeedsIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            var fixtures = new Fixtures(server);
            String today = "usage_log_" + LocalDate.now(ZoneOffset.UTC).toString().replace("-", "");
            // the retention sweep also creates today's partition; keep it out of the way
            server.services().logRetention().stop();
            server.services().logRetention().sweep().await(30, TimeUnit.SECONDS);
            fixtures.flushUsageLog();
            fixtures.query("DROP TABLE " + today, Tuple.tuple());
            server.services().usage().log("push_repo", null, ALICE, null, "127.0.0.1", new JsonObject());
            fixtures.flushUsageLog();
            assertEquals(1, count(fixtures));
            assertTrue(!fixtures.query("SELECT 1 FROM pg_class WHERE relname = $1", Tuple.of(today)).isEmpty());
        }
    }

    @Test
    void loggingCanBeSwitchedOffAndKindsMustBeQuays() {
        try (TestServer server = TestServer.start(Map.of("ACTION_LOG_ENABLED", false))) {
            var usage = server.services().usage();
            usage.log("push_repo", null, ALICE, null, "127.0.0.1", new JsonObject());
            new Fixtures(server).flushUsageLog();
            assertEquals(0, count(new Fixtures(server)));
            assertThrows(IllegalArgumentException.class,
                    () -> usage.log("pushed_repo", null, ALICE, null, "127.0.0.1", new JsonObject()));
        }
    }
}
