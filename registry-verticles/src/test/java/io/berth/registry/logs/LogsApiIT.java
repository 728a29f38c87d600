package io.berth.registry.logs;

import io.berth.registry.auth.Identity;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage-log query API: pagination, filters, permissions, aggregation and the rendering of performers. */
class LogsApiIT {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SUPER_USERS", List.of("root")));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "root")) server.createUser(user, user + "-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path, String token) {
        return http.send(http.request(path, token).GET().build());
    }

    static JsonObject getJson(String path, String token) {
        var response = get(path, token);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return new JsonObject(response.body());
    }

    static HttpResponse<String> send(String method, String path, String token, JsonObject body) {
        return http.send(http.request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    static void ok(HttpResponse<String> response) {
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
    }

    static void createRepository(String token, String namespace, String name) {
        ok(send("POST", "/api/v1/repository", token, new JsonObject().put("namespace", namespace)
                .put("repository", name).put("visibility", "private").put("description", "")));
    }

    /** Every entry of a listing, following next_page; checks that no page holds more than 100. */
    static List<JsonObject> all(String path, String token) {
        var out = new ArrayList<JsonObject>();
        String next = null;
        do {
            String url = path + (path.contains("?") ? "&" : "?")
                    + (next == null ? "" : "next_page=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            JsonObject page = getJson(url, token);
            JsonArray logs = page.getJsonArray("logs");
            assertTrue(logs.size() <= 100, "page of " + logs.size());
            logs.forEach(o -> out.add((JsonObject) o));
            next = page.getString("next_page");
        } while (next != null);
        return out;
    }

    static String key(JsonObject entry) {
        var m = entry.getJsonObject("metadata");
        return entry.getString("kind") + " " + m.getString("repo") + " " + m.getString("description", "")
                + m.getString("visibility", "");
    }

    @Test
    void pagesCoverEveryActionOnceEvenWhileNewOnesArrive() {
        String token = fixtures.oauthToken("alice");
        var expected = new HashSet<String>();
        for (int i = 0; i < 60; i++) {
            createRepository(token, "alice", "app-" + i);
            expected.add("create_repo app-" + i + " ");
        }
        for (int i = 0; i < 60; i++) {
            ok(send("PUT", "/api/v1/repository/alice/app-" + i, token, new JsonObject().put("description", "d" + i)));
            expected.add("set_repo_description app-" + i + " d" + i);
        }
        for (int i = 0; i < 30; i++) {
            ok(send("POST", "/api/v1/repository/alice/app-" + i + "/changevisibility", token,
                    new JsonObject().put("visibility", "public")));
            expected.add("change_repo_visibility app-" + i + " public");
        }
        fixtures.flushUsageLog();

        JsonObject first = getJson("/api/v1/user/logs", token);
        assertEquals(100, first.getJsonArray("logs").size());
        String next = first.getString("next_page");
        assertNotNull(next);
        // new entries arrive between the pages: they go on top and do not shift the second page
        for (int i = 0; i < 5; i++) {
            ok(send("PUT", "/api/v1/repository/alice/app-" + i, token, new JsonObject().put("description", "late" + i)));
        }
        fixtures.flushUsageLog();
        JsonObject second = getJson("/api/v1/user/logs?next_page=" + URLEncoder.encode(next, StandardCharsets.UTF_8), token);
        assertEquals(50, second.getJsonArray("logs").size());
        assertNull(second.getString("next_page"));

        var seen = new ArrayList<String>();
        first.getJsonArray("logs").forEach(o -> seen.add(key((JsonObject) o)));
        second.getJsonArray("logs").forEach(o -> seen.add(key((JsonObject) o)));
        assertEquals(150, new HashSet<>(seen).size(), "duplicates in " + seen);
        assertEquals(expected, new HashSet<>(seen));
        // the newest first: the last visibility change heads the first page
        assertEquals("change_repo_visibility app-29 public", seen.get(0));

        List<JsonObject> now = all("/api/v1/user/logs", token);
        assertEquals(155, now.size());
        assertTrue(key(now.get(0)).startsWith("set_repo_description app-4 late4"));
    }

    @Test
    void entriesRenderTheirPerformerAndOAuthApplication() {
        String token = fixtures.oauthToken("bob");
        createRepository(token, "bob", "web");
        fixtures.flushUsageLog();
        JsonObject entry = all("/api/v1/repository/bob/web/logs", token).get(0);
        assertEquals("create_repo", entry.getString("kind"));
        assertEquals("127.0.0.1", entry.getString("ip"));
        assertTrue(entry.getString("datetime").matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} -0000"),
                entry.getString("datetime"));
        JsonObject performer = entry.getJsonObject("performer");
        assertEquals("user", performer.getString("kind"));
        assertEquals("bob", performer.getString("name"));
        assertFalse(performer.getBoolean("is_robot"));
        assertEquals("bob", performer.getJsonObject("avatar").getString("name"));
        assertEquals("tests", entry.getJsonObject("metadata").getString("oauth_token_application"));
        assertNotNull(entry.getJsonObject("metadata").getValue("oauth_token_id"));
        assertNull(entry.getValue("namespace"), "only the superuser view names the namespace");

        long bobId = fixtures.query("SELECT id FROM account WHERE username = 'bob'", Tuple.tuple()).get(0).getLong(0);
        long repoId = fixtures.query("SELECT id FROM repository WHERE name = 'web'", Tuple.tuple()).get(0).getLong(0);
        server.services().usage().log("pull_repo", bobId, new Identity(77L, "bob+ci", Identity.Kind.ROBOT, null),
                repoId, "10.0.0.1", new JsonObject().put("repo", "web").put("namespace", "bob"));
        server.services().usage().log("pull_repo", bobId, Identity.ANONYMOUS, repoId, "10.0.0.2",
                new JsonObject().put("repo", "web").put("namespace", "bob"));
        fixtures.flushUsageLog();
        List<JsonObject> entries = all("/api/v1/repository/bob/web/logs", token);
        assertEquals("10.0.0.2", entries.get(0).getString("ip"));
        assertNull(entries.get(0).getValue("performer"), "anonymous entries have no performer");
        JsonObject robot = entries.get(1).getJsonObject("performer");
        assertEquals("bob+ci", robot.getString("name"));
        assertTrue(robot.getBoolean("is_robot"));
    }

    @Test
    void entriesOutliveTheAccountsTheyName() {
        String root = fixtures.oauthToken("root");
        String token = fixtures.oauthToken("dave");
        createRepository(token, "dave", "gone");
        ok(send("DELETE", "/api/v1/repository/dave/gone", token, new JsonObject()));
        fixtures.flushUsageLog();
        fixtures.query("DELETE FROM account WHERE username = 'dave'", Tuple.tuple());
        List<JsonObject> entries = all("/api/v1/superuser/logs?performer=dave", root);
        assertEquals(List.of("delete_repo", "create_repo"), entries.stream().map(e -> e.getString("kind")).toList());
        for (JsonObject e : entries) {
            assertEquals("dave", e.getJsonObject("performer").getString("name"));
            assertEquals("dave", e.getJsonObject("namespace").getString("name"));
            assertEquals("user", e.getJsonObject("namespace").getString("kind"));
            assertEquals("gone", e.getJsonObject("metadata").getString("repo"));
        }
    }

    @Test
    void performerAndKindFiltersAndRepositoryScope() {
        String erin = fixtures.oauthToken("erin");
        String bob = fixtures.oauthToken("bob");
        createRepository(erin, "erin", "shared");
        createRepository(erin, "erin", "other");
        long shared = fixtures.repository("erin", "shared", "private");
        fixtures.query("""
                INSERT INTO repository_permission (repository_id, account_id, role)
                SELECT $1, id, 'admin' FROM account WHERE username = 'bob'""", Tuple.of(shared));
        ok(send("PUT", "/api/v1/repository/erin/shared", bob, new JsonObject().put("description", "by bob")));
        ok(send("PUT", "/api/v1/repository/erin/other", erin, new JsonObject().put("description", "by erin")));
        fixtures.flushUsageLog();

        List<JsonObject> byBob = all("/api/v1/user/logs?performer=bob", erin);
        assertEquals(1, byBob.size());
        assertEquals("by bob", byBob.get(0).getJsonObject("metadata").getString("description"));

        List<JsonObject> repo = all("/api/v1/repository/erin/shared/logs", bob);
        assertEquals(List.of("set_repo_description", "create_repo"), repo.stream().map(e -> e.getString("kind")).toList());

        List<JsonObject> kinds = all("/api/v1/repository/erin/shared/logs?kind=create_repo", bob);
        assertEquals(List.of("create_repo"), kinds.stream().map(e -> e.getString("kind")).toList());
        assertEquals(400, get("/api/v1/user/logs?kind=not_a_kind", erin).statusCode());
    }

    @Test
    void onlyAdministratorsReadLogs() {
        String frank = fixtures.oauthToken("frank");
        String bob = fixtures.oauthToken("bob");
        createRepository(frank, "frank", "private-one");
        String readOnly = fixtures.oauthToken("frank", "repo:read", "user:read");

        assertEquals(401, get("/api/v1/user/logs", null).statusCode());

        assertEquals(401, get("/api/v1/repository/frank/private-one/logs", null).statusCode());
        for (String path : List.of("/api/v1/repository/frank/private-one/logs", "/api/v1/repository/frank/private-one/aggregatelogs",
                "/api/v1/repository/frank/missing/logs", "/api/v1/organization/frank/logs", "/api/v1/superuser/logs",
                "/api/v1/superuser/aggregatelogs")) {
            var response = get(path, bob);
            assertEquals(403, response.statusCode(), path + ": " + response.body());
            assertEquals("insufficient_scope", new JsonObject(response.body()).getString("error_type"));
        }
        assertEquals(403, send("POST", "/api/v1/repository/frank/private-one/exportlogs", bob,
                new JsonObject().put("callback_url", "http://127.0.0.1:1/")).statusCode());
        assertEquals(403, http.send(http.request("/api/v1/repository/frank/private-one/exportlogs", bob)
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode(), "refused before the body is read");
        assertEquals(403, get("/api/v1/user/logs", readOnly).statusCode(), "user:admin is needed");
        assertEquals(403, get("/api/v1/repository/frank/private-one/logs", readOnly).statusCode(), "repo:admin is needed");
        assertEquals(404, get("/api/v1/repository/frank/missing/logs", frank).statusCode());
        assertEquals(404, get("/api/v1/organization/frank/logs", frank).statusCode(), "frank is a user, not an org");
        assertEquals(200, get("/api/v1/superuser/logs", fixtures.oauthToken("root")).statusCode());
    }

    @Test
    void dateFiltersAndAggregationCountTheRawEntries() throws Exception {
        String carol = fixtures.oauthToken("carol");
        for (int i = 0; i < 9; i++) createRepository(carol, "carol", "r" + i);
        for (int i = 0; i < 4; i++) {
            ok(send("PUT", "/api/v1/repository/carol/r" + i, carol, new JsonObject().put("description", "x")));
        }
        fixtures.flushUsageLog();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate threeDaysAgo = today.minusDays(3);
        LocalDate tenDaysAgo = today.minusDays(10);
        new LogPartitionRepository().ensure(server.services().database().pool(), List.of(threeDaysAgo, tenDaysAgo))
                .await(30, TimeUnit.SECONDS);
        // move some entries into the past, as if they had been written then
        fixtures.query("""
                UPDATE usage_log SET created_at = created_at - interval '3 days'
                WHERE namespace_name = 'carol' AND repository_name IN ('r0', 'r1', 'r2')""", Tuple.tuple());
        fixtures.query("""
                UPDATE usage_log SET created_at = created_at - interval '10 days'
                WHERE namespace_name = 'carol' AND repository_name IN ('r3', 'r4')""", Tuple.tuple());

        assertEquals(13 - 3, all("/api/v1/user/logs", carol).size(), "the default is the last week");
        String day3 = DATE.format(threeDaysAgo);
        List<JsonObject> onDay3 = all("/api/v1/user/logs?starttime=" + day3 + "&endtime=" + day3, carol);
        assertEquals(6, onDay3.size(), "3 creations and 3 description changes, the end day included");
        String from = DATE.format(today.minusDays(11));
        String to = DATE.format(today);
        assertEquals(13, all("/api/v1/user/logs?starttime=" + from + "&endtime=" + to, carol).size());

        JsonArray aggregated = getJson("/api/v1/user/aggregatelogs?starttime=" + from + "&endtime=" + to, carol)
                .getJsonArray("aggregated");
        Map<String, Long> counted = new HashMap<>();
        long total = 0;
        for (Object o : aggregated) {
            var c = (JsonObject) o;
            counted.put(c.getString("kind") + "@" + c.getString("datetime").substring(0, 16), c.getLong("count"));
            total += c.getLong("count");
        }
        Map<String, Long> raw = new HashMap<>();
        for (JsonObject e : all("/api/v1/user/logs?starttime=" + from + "&endtime=" + to, carol)) {
            raw.merge(e.getString("kind") + "@" + e.getString("datetime").substring(0, 16), 1L, Long::sum);
        }
        assertEquals(13, total);
        assertEquals(raw, counted);
        assertEquals(Set.of(1L, 2L, 3L, 4L), new HashSet<>(counted.values()));

        JsonArray oneDay = getJson("/api/v1/user/aggregatelogs?starttime=" + day3 + "&endtime=" + day3
                + "&kind=create_repo", carol).getJsonArray("aggregated");
        assertEquals(1, oneDay.size());
        assertEquals(3, oneDay.getJsonObject(0).getLong("count"));

        assertEquals(400, get("/api/v1/user/logs?starttime=2024-01-01", carol).statusCode());
        assertEquals(400, get("/api/v1/user/logs?starttime=" + to + "&endtime=" + from, carol).statusCode());
        assertEquals(400, get("/api/v1/user/logs?next_page=garbage", carol).statusCode());
    }

    @Test
    void organizationAdministratorsReadTheirOrganizationsLogs() {
        String erin = fixtures.oauthToken("erin");
        String frank = fixtures.oauthToken("frank");
        ok(send("POST", "/api/v1/organization/", erin, new JsonObject().put("name", "acme").put("email", "ops@acme.test")));
        createRepository(erin, "acme", "api");
        fixtures.flushUsageLog();
        List<JsonObject> entries = all("/api/v1/organization/acme/logs", erin);
        assertEquals(List.of("create_repo", "org_create"), entries.stream().map(e -> e.getString("kind")).toList());
        assertEquals(403, get("/api/v1/organization/acme/logs", frank).statusCode());
        assertEquals(403, get("/api/v1/organization/acme/logs", fixtures.oauthToken("erin", "user:admin")).statusCode(),
                "org:admin is needed");
        JsonArray counts = getJson("/api/v1/organization/acme/aggregatelogs", erin).getJsonArray("aggregated");
        assertEquals(2, counts.size());
        assertEquals(403, get("/api/v1/organization/nope/logs", erin).statusCode(), "nothing to administer there");
    }
}
