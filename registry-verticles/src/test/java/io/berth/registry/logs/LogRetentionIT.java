package io.berth.registry.logs;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention: whole day partitions are dropped, older entries of the boundary day deleted, the week ahead created. */
class LogRetentionIT {

    static boolean partitionExists(Fixtures fixtures, LocalDate day) {
        return !fixtures.query("SELECT 1 FROM pg_class WHERE relname = $1",
                Tuple.of("usage_log_" + day.toString().replace("-", ""))).isEmpty();
    }

    static void insertAt(Fixtures fixtures, OffsetDateTime at, String repo) {
        fixtures.query("""
                INSERT INTO usage_log (kind, performer_kind, metadata, created_at)
                VALUES ('push_repo', 'anonymous', $1, $2)""", Tuple.of(new JsonObject().put("repo", repo), at));
    }

    @Test
    void entriesOlderThanTheRetentionPeriodGo() throws Exception {
        try (TestServer server = TestServer.start()) {
            var fixtures = new Fixtures(server);
            // no timed sweep may drop the partitions made below before the entries are in: stop the timer and let the
            // sweep of the start finish
            server.services().logRetention().stop();
            server.services().logRetention().sweep().await(30, TimeUnit.SECONDS);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            LocalDate today = now.toLocalDate();
            var old = List.of(today.minusDays(40), today.minusDays(31), today.minusDays(30), today.minusDays(29));
            new LogPartitionRepository().ensure(server.services().database().pool(), old).await(30, TimeUnit.SECONDS);
            insertAt(fixtures, now.minusDays(40), "forty-days");
            insertAt(fixtures, now.minusDays(30).minusHours(1), "just-over-thirty");
            insertAt(fixtures, now.minusDays(30).plusHours(1), "just-under-thirty");
            insertAt(fixtures, now.minusDays(29), "twenty-nine");

            server.services().logRetention().sweep().await(30, TimeUnit.SECONDS);

            var left = fixtures.query("SELECT metadata->>'repo' FROM usage_log ORDER BY created_at", Tuple.tuple())
                    .stream().map(r -> r.getString(0)).toList();
            assertEquals(List.of("just-under-thirty", "twenty-nine"), left);
            assertFalse(partitionExists(fixtures, today.minusDays(40)));
            assertFalse(partitionExists(fixtures, today.minusDays(31)));
            assertTrue(partitionExists(fixtures, today.minusDays(30)), "the boundary day keeps its newer entries");
            for (int i = 0; i <= 7; i++) assertTrue(partitionExists(fixtures, today.plusDays(i)), "day +" + i);
        }
    }

    @Test
    void aShortRetentionPeriodIsSweptOnItsOwn() {
        try (TestServer server = TestServer.start(Map.of("ACTION_LOG_RETENTION", "2s"))) {
            var fixtures = new Fixtures(server);
            server.createUser("alice", "alice-password");
            String token = fixtures.oauthToken("alice");
            var http = new io.berth.registry.testing.RegistryHttp(server);
            var response = http.send(http.request("/api/v1/repository", token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("repository", "app")
                            .put("visibility", "private").put("description", "").encode())).build());
            assertEquals(201, response.statusCode(), response.body());
            fixtures.flushUsageLog();
            assertEquals(1, fixtures.query("SELECT 1 FROM usage_log WHERE kind = 'create_repo'", Tuple.tuple()).size());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!fixtures.query("SELECT 1 FROM usage_log WHERE kind = 'create_repo'", Tuple.tuple()).isEmpty()) {
                assertTrue(Instant.now().isBefore(deadline), "the entry was not swept");
                server.vertx().timer(100).await();
            }
        }
    }
}
