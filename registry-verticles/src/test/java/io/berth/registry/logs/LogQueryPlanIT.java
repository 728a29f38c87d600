package io.berth.registry.logs;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plans of the usage-log queries on a populated table (500,000 entries over 40 days, 500 namespaces; the test
 * keeps them past the retention period): a query
 * for a week reads only that week's partitions, through indexes, and aggregation is an index-only scan. The plans are
 * printed and summarised in {@code docs/usage-log-query-plans.md}.
 */
class LogQueryPlanIT {
    private static final Pattern PARTITION = Pattern.compile("usage_log_\\d{8}");
    static TestServer server;
    static Fixtures fixtures;
    static final LogRepository logs = new LogRepository();
    static final OffsetDateTime END = OffsetDateTime.now(ZoneOffset.UTC);
    static final OffsetDateTime START = END.minusDays(7);

    @BeforeAll
    static void populate() throws Exception {
        server = TestServer.start();
        fixtures = new Fixtures(server);
        // retention (30 days) would drop the older partitions made below: stop its timer, let the start's sweep end
        server.services().logRetention().stop();
        server.services().logRetention().sweep().await(60, TimeUnit.SECONDS);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        var days = new ArrayList<LocalDate>();
        for (int i = 1; i <= 40; i++) days.add(today.minusDays(i));
        new LogPartitionRepository().ensure(server.services().database().pool(), days).await(60, TimeUnit.SECONDS);
        fixtures.query("""
                INSERT INTO usage_log (kind, namespace_id, namespace_name, repository_id, repository_name,
                                       performer_id, performer_name, performer_kind, ip, metadata, created_at)
                SELECT (ARRAY['push_repo', 'pull_repo', 'create_repo', 'delete_tag'])[1 + i % 4], n, 'ns' || n,
                       n * 10 + r, 'repo' || n * 10 + r, p, 'user' || p, 'user', '10.0.0.1', '{}',
                       now() - (i % 40) * interval '1 day' - (i % 86400) * interval '1 second'
                FROM (SELECT i, abs(hashint4(i)) % 500 AS n, abs(hashint4(i + 1)) % 10 AS r, abs(hashint4(-i)) % 700 AS p
                      FROM generate_series(1, 500000) i) g""", Tuple.tuple());
        fixtures.query("VACUUM ANALYZE usage_log", Tuple.tuple());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> plan(LogRepository.Filter filter, boolean aggregate) throws Exception {
        List<String> plan = logs.explain(server.services().database().pool(), filter, aggregate)
                .await(60, TimeUnit.SECONDS);
        System.out.println("-- " + filter + (aggregate ? " (aggregate)" : " (page)"));
        plan.forEach(System.out::println);
        return plan;
    }

    /** At most the 8 day partitions a 7-day window touches, read through indexes only. */
    static void assertPrunedAndIndexed(List<String> plan) {
        String text = String.join("\n", plan);
        assertFalse(text.contains("Seq Scan"), text);
        assertTrue(text.contains("Index"), text);
        var partitions = new java.util.HashSet<String>();
        var m = PARTITION.matcher(text);
        while (m.find()) partitions.add(m.group());
        assertTrue(partitions.size() <= 8 && !partitions.isEmpty(), partitions + "\n" + text);
    }

    @Test
    void namespacePagesAndCounts() throws Exception {
        var filter = new LogRepository.Filter(42L, null, null, null, START, END, true);
        assertPrunedAndIndexed(plan(filter, false));
        List<String> aggregate = plan(filter, true);
        assertPrunedAndIndexed(aggregate);
        assertTrue(String.join("\n", aggregate).contains("Index Only Scan"), String.join("\n", aggregate));
    }

    @Test
    void repositoryPagesAndCounts() throws Exception {
        var filter = new LogRepository.Filter(null, 424L, null, null, START, END, false);
        assertPrunedAndIndexed(plan(filter, false));
        List<String> aggregate = plan(filter, true);
        assertPrunedAndIndexed(aggregate);
        assertTrue(String.join("\n", aggregate).contains("Index Only Scan"), String.join("\n", aggregate));
    }

    @Test
    void performerAndKindFilters() throws Exception {
        assertPrunedAndIndexed(plan(new LogRepository.Filter(42L, null, "user42", null, START, END, false), false));
        assertPrunedAndIndexed(plan(new LogRepository.Filter(42L, null, null, Set.of("push_repo"), START, END, false), false));
    }

    @Test
    void superuserPages() throws Exception {
        assertPrunedAndIndexed(plan(new LogRepository.Filter(null, null, null, null, START, END, false), false));
        assertPrunedAndIndexed(plan(new LogRepository.Filter(null, null, "user42", null, START, END, false), false));
    }
}
