package io.berth.registry.content;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Images.Image;
import io.berth.registry.testing.Images.Index;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Quay's tag API and the time machine through /api/v1 and /v2: history, moves, restores, deletes, permanent removal,
 * expiration by API and by label. Background garbage collection is off, so nothing changes between steps unless a
 * test runs a pass itself.
 */
class TagApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String alice;
    static String aliceApi;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        aliceApi = server.oauthToken("alice", Set.of("repo:read", "repo:write", "repo:admin", "repo:create", "user:admin"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A registry token for alice's repository, created by the first push. */
    static String push(String repo) {
        return http.token("alice", "alice-password", "repository:alice/" + repo + ":pull,push");
    }

    static Image image(String seed) {
        return Images.image(Map.of(), ("layer " + seed).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> putTag(String repo, String tag, JsonObject body) {
        return http.api("PUT", "/repository/alice/" + repo + "/tag/" + tag, aliceApi, body);
    }

    static JsonArray history(String repo, String query) {
        var r = http.api("GET", "/repository/alice/" + repo + "/tag/" + query, aliceApi, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r).getJsonArray("tags");
    }

    static String v2Error(String repo, String token, String tag) {
        var r = new ManifestClient(http).get(token, "alice/" + repo, tag);
        assertEquals(404, r.statusCode());
        return new JsonObject(new String(r.body(), StandardCharsets.UTF_8)).getJsonArray("errors").getJsonObject(0)
                .getString("code");
    }

    static long repositoryId(String repo) {
        return fixtures.repository("alice", repo, "private");
    }

    @Test
    void aTagMovedThreeTimesIsRestoredToItsFirstManifestByteForByte() {
        String token = push("history");
        Image first = image("first");
        Image second = image("second");
        Image third = image("third");
        Image fourth = image("fourth");
        Images.push(http, "alice/history", token, "v1", first);
        Images.push(http, "alice/history", token, "v1", second);
        Images.push(http, "alice/history", token, third.digest(), third);
        // a move through the API
        var moved = putTag("history", "v1", new JsonObject().put("manifest_digest", third.digest()));
        assertEquals(201, moved.statusCode(), moved.body());
        assertEquals("\"Updated\"", moved.body());
        Images.push(http, "alice/history", token, "v1", fourth);

        var rows = history("history", "?specificTag=v1");
        assertEquals(List.of(fourth.digest(), third.digest(), second.digest(), first.digest()),
                rows.stream().map(o -> ((JsonObject) o).getString("manifest_digest")).toList());
        var live = rows.getJsonObject(0);
        assertFalse(live.containsKey("end_ts"));
        assertFalse(live.containsKey("expiration"));
        for (int i = 1; i < 4; i++) {
            var ended = rows.getJsonObject(i);
            assertTrue(ended.getLong("end_ts") >= ended.getLong("start_ts"));
            assertEquals(rows.getJsonObject(i - 1).getLong("start_ts"), ended.getLong("end_ts"));
            assertFalse(ended.getBoolean("reversion"));
            assertFalse(ended.getBoolean("is_manifest_list"));
            assertTrue(ended.getString("last_modified").matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} -0000"));
        }

        // size: the layers' bytes
        assertEquals("layer first".length(), rows.getJsonObject(3).getLong("size"));

        var restored = http.api("POST", "/repository/alice/history/tag/v1/restore", aliceApi,
                new JsonObject().put("manifest_digest", first.digest()));
        assertEquals(200, restored.statusCode(), restored.body());
        assertEquals(new JsonObject(), json(restored));
        Images.assertPulls(http, "alice/history", token, "v1", first);

        var after = history("history", "?specificTag=v1");
        assertEquals(5, after.size());
        assertTrue(after.getJsonObject(0).getBoolean("reversion"));
        assertEquals(first.digest(), after.getJsonObject(0).getString("manifest_digest"));
        assertEquals(List.of("create_tag", "move_tag", "move_tag", "move_tag", "revert_tag"),
                fixtures.logKinds(repositoryId("history")).stream().filter(k -> k.endsWith("_tag")).toList());
        var revert = fixtures.query("""
                SELECT metadata FROM usage_log WHERE kind = 'revert_tag' AND repository_id = $1""",
                Tuple.of(repositoryId("history"))).get(0).getJsonObject(0);
        assertEquals(fourth.digest(), revert.getString("original_manifest_digest"));
        assertEquals("alice", revert.getString("username"));
    }

    @Test
    void historyPagesAndFilters() {
        String token = push("pages");
        Image image = image("pages");
        Images.push(http, "alice/pages", token, "Alpha", image);
        for (String tag : List.of("beta", "gamma", "delta")) {
            assertEquals(201, putTag("pages", tag, new JsonObject().put("manifest_digest", image.digest())).statusCode());
        }
        assertEquals(204, http.api("DELETE", "/repository/alice/pages/tag/gamma", aliceApi, null).statusCode());

        var page1 = json(http.api("GET", "/repository/alice/pages/tag/?limit=2&page=1", aliceApi, null));
        assertEquals(2, page1.getJsonArray("tags").size());
        assertTrue(page1.getBoolean("has_additional"));
        assertEquals(1, page1.getInteger("page"));
        var page2 = json(http.api("GET", "/repository/alice/pages/tag/?limit=2&page=2", aliceApi, null));
        assertEquals(2, page2.getJsonArray("tags").size());
        assertFalse(page2.getBoolean("has_additional"));
        // newest first, the deleted one included as history
        assertEquals(List.of("delta", "gamma", "beta", "Alpha"), names(page1.getJsonArray("tags"), page2.getJsonArray("tags")));
        assertEquals(List.of("delta", "beta", "Alpha"), names(history("pages", "?onlyActiveTags=true")));
        assertEquals(List.of("delta", "Alpha"), names(history("pages", "?filter_tag_name=like:L")));
        assertEquals(List.of("beta"), names(history("pages", "?filter_tag_name=eq:beta")));
        assertEquals(List.of("gamma"), names(history("pages", "?specificTag=gamma")));
        assertEquals(200, http.api("GET", "/repository/alice/pages/tag?specificTag=gamma", aliceApi, null).statusCode(),
                "the trailing slash is optional");
        assertEquals(List.of(), names(history("pages", "?specificTag=gamma&onlyActiveTags=true")));
        assertEquals(400, http.api("GET", "/repository/alice/pages/tag/?filter_tag_name=regex:x", aliceApi, null).statusCode());
        assertEquals(400, http.api("GET", "/repository/alice/pages/tag/?limit=many", aliceApi, null).statusCode());
        // limit is kept within 1..100
        assertEquals(1, json(http.api("GET", "/repository/alice/pages/tag/?limit=0", aliceApi, null)).getJsonArray("tags").size());
    }

    static List<String> names(JsonArray... arrays) {
        return java.util.Arrays.stream(arrays).flatMap(a -> a.stream())
                .map(o -> ((JsonObject) o).getString("name")).toList();
    }

    @Test
    void aDeletedTagIsTagExpiredUntilRestoredAndGoneWithAZeroWindow() {
        String token = push("machine");
        Image image = image("machine");
        Images.push(http, "alice/machine", token, "a", image);
        Images.push(http, "alice/machine", token, "b", image);
        assertEquals(204, http.api("DELETE", "/repository/alice/machine/tag/a", aliceApi, null).statusCode());
        assertEquals(404, http.api("DELETE", "/repository/alice/machine/tag/a", aliceApi, null).statusCode());
        // Quay's extension of /v2: DELETE by tag deletes just the tag
        assertEquals(202, new ManifestClient(http).delete(token, "alice/machine", "b").statusCode());
        assertEquals("MANIFEST_UNKNOWN", Blobs.errorCode(new ManifestClient(http).delete(token, "alice/machine", "b")));
        assertEquals("TAG_EXPIRED", v2Error("machine", token, "a"));
        assertEquals("TAG_EXPIRED", v2Error("machine", token, "b"));
        assertEquals("MANIFEST_UNKNOWN", v2Error("machine", token, "never"));
        var list = http.send(http.request("/v2/alice/machine/tags/list", token).GET().build());
        assertEquals(new JsonArray(), new JsonObject(list.body()).getJsonArray("tags"));

        assertEquals(200, http.api("POST", "/repository/alice/machine/tag/a/restore", aliceApi,
                new JsonObject().put("manifest_digest", image.digest())).statusCode());
        Images.assertPulls(http, "alice/machine", token, "a", image);
        assertEquals(400, http.api("POST", "/repository/alice/machine/tag/b/restore", aliceApi, new JsonObject()).statusCode());
        assertEquals(404, http.api("POST", "/repository/alice/machine/tag/b/restore", aliceApi,
                new JsonObject().put("manifest_digest", image("elsewhere").digest())).statusCode());

        // with a window of 0s nothing is kept: the tag is simply unknown and cannot be restored
        setWindow(0);
        try {
            assertEquals("MANIFEST_UNKNOWN", v2Error("machine", token, "b"));
            assertEquals(404, http.api("POST", "/repository/alice/machine/tag/b/restore", aliceApi,
                    new JsonObject().put("manifest_digest", image.digest())).statusCode());
        } finally {
            setWindow(1209600);
        }
        assertEquals(List.of("create_tag", "create_tag", "delete_tag", "delete_tag", "revert_tag"),
                fixtures.logKinds(repositoryId("machine")).stream().filter(k -> k.endsWith("_tag")).toList());
    }

    static void setWindow(long seconds) {
        var r = http.api("PUT", "/user/", aliceApi, new JsonObject().put("tag_expiration_s", seconds));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void permanentDeletionTakesATagOutOfTheTimeMachine() {
        String token = push("forever");
        Image old = image("forever-old");
        Image current = image("forever-current");
        Images.push(http, "alice/forever", token, "v", old);
        Images.push(http, "alice/forever", token, "v", current);
        String expire = "/repository/alice/forever/tag/v/expire";

        assertEquals(400, http.api("POST", expire, aliceApi, new JsonObject()).statusCode());
        var r = http.api("POST", expire, aliceApi, new JsonObject().put("manifest_digest", old.digest()));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(current.digest()), history("forever", "?specificTag=v").stream()
                .map(o -> ((JsonObject) o).getString("manifest_digest")).toList());
        assertEquals(404, http.api("POST", expire, aliceApi, new JsonObject().put("manifest_digest", old.digest())).statusCode());
        assertEquals(404, http.api("POST", "/repository/alice/forever/tag/v/restore", aliceApi,
                new JsonObject().put("manifest_digest", old.digest())).statusCode());

        // the live tag itself, and then it is not even in the time machine
        assertEquals(200, http.api("POST", expire, aliceApi, new JsonObject().put("is_alive", true)).statusCode());
        assertEquals("MANIFEST_UNKNOWN", v2Error("forever", token, "v"));
        assertEquals(0, history("forever", "?specificTag=v").size());
        assertEquals(404, http.api("POST", expire, aliceApi, new JsonObject().put("is_alive", true)).statusCode());
        assertEquals(List.of("permanently_delete_tag", "permanently_delete_tag"),
                fixtures.logKinds(repositoryId("forever")).stream().filter(k -> k.startsWith("perm")).toList());
    }

    @Test
    void permanentDeletionCanBeSwitchedOff() {
        try (var other = TestServer.start(Map.of("PERMANENTLY_DELETE_TAGS", false))) {
            other.createUser("carol", "carol-password");
            String carol = other.oauthToken("carol", Set.of("repo:write", "repo:read"));
            var r = new RegistryHttp(other).api("POST", "/repository/carol/x/tag/v/expire", carol,
                    new JsonObject().put("is_alive", true));
            assertEquals(404, r.statusCode());
            assertEquals("not_found", json(r).getString("error_type"));
        }
    }

    static HttpResponse<String> expire(String repo, String tag, JsonObject body) {
        return http.api("POST", "/repository/alice/" + repo + "/tag/" + tag + "/expire", aliceApi, body);
    }

    /** A garbage collection pass once the repository's blob links are past their grace period (1h). */
    static void collect(String repo) throws Exception {
        fixtures.query("UPDATE repository_blob SET created_at = created_at - interval '2 hours' WHERE repository_id = $1",
                Tuple.of(repositoryId(repo)));
        server.services().garbageCollector().run().await(60, TimeUnit.SECONDS);
    }

    static int status(String repo, String token, String reference) {
        return new ManifestClient(http).get(token, "alice/" + repo, reference).statusCode();
    }

    static boolean stored(Image image) {
        return Files.exists(server.storedBlob(image.layerDigests().getFirst()));
    }

    @Test
    void includeSubmanifestsLetsTheChildrenOnlyTheIndexKeptGoWithIt() throws Exception {
        String repo = "multi";
        String token = push(repo);
        Image amd64 = image("multi amd64");
        Image arm64 = image("multi arm64");
        Image ppc64le = image("multi ppc64le");
        Image s390x = image("multi s390x");
        Index multi = Images.index(List.of(amd64, arm64, ppc64le), List.of("amd64", "arm64", "ppc64le"));
        Index other = Images.index(List.of(arm64, s390x), List.of("arm64", "s390x"));
        Images.pushIndex(http, "alice/" + repo, token, "multi", multi);
        Images.pushIndex(http, "alice/" + repo, token, "other", other);
        Images.push(http, "alice/" + repo, token, "ppc", ppc64le);

        // is_alive: the live tag, whatever manifest_digest says (Quay ignores it then)
        var r = expire(repo, "multi", new JsonObject().put("is_alive", true).put("include_submanifests", true)
                .put("manifest_digest", s390x.digest()));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("\"\"", r.body());
        collect(repo);

        assertEquals(404, status(repo, token, multi.digest()));
        assertEquals(404, status(repo, token, "multi"));
        assertEquals(404, status(repo, token, amd64.digest()));
        assertFalse(stored(amd64), "the child only the index listed left storage");
        // arm64 is listed by the other index, ppc64le has a tag of its own
        Images.assertPulls(http, "alice/" + repo, token, arm64.digest(), arm64);
        Images.assertPulls(http, "alice/" + repo, token, "ppc", ppc64le);
        assertEquals(200, status(repo, token, "other"));
        Images.assertPulls(http, "alice/" + repo, token, s390x.digest(), s390x);

        fixtures.flushUsageLog();
        var entry = fixtures.query("SELECT metadata FROM usage_log WHERE kind = 'permanently_delete_tag' AND repository_id = $1",
                Tuple.of(repositoryId(repo))).getFirst().getJsonObject(0);
        assertEquals(multi.digest(), entry.getString("manifest_digest"));
        assertEquals("multi", entry.getString("tag"));
    }

    @Test
    void withoutIncludeSubmanifestsTheChildrenStayAsLongAsTheirPushHoldsThem() throws Exception {
        String repo = "held";
        String token = push(repo);
        Image amd64 = image("held amd64");
        Image arm64 = image("held arm64");
        Index index = Images.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        Images.pushIndex(http, "alice/" + repo, token, "v", index);

        // without is_alive only rows in the time machine go: the live tag is no such row
        var body = new JsonObject().put("manifest_digest", index.digest());
        assertEquals(404, expire(repo, "v", body).statusCode());
        assertEquals(200, status(repo, token, "v"));

        assertEquals(204, http.api("DELETE", "/repository/alice/" + repo + "/tag/v", aliceApi, null).statusCode());
        var r = expire(repo, "v", body.copy().put("is_alive", false).put("include_submanifests", false));
        assertEquals(200, r.statusCode(), r.body());
        collect(repo);
        assertEquals(404, status(repo, token, index.digest()));
        Images.assertPulls(http, "alice/" + repo, token, amd64.digest(), amd64);
        Images.assertPulls(http, "alice/" + repo, token, arm64.digest(), arm64);

        // PUSH_TEMP_TAG_EXPIRATION_SEC (1h) later
        fixtures.query("UPDATE manifest SET keep_until = keep_until - interval '2 hours' WHERE repository_id = $1",
                Tuple.of(repositoryId(repo)));
        collect(repo);
        assertEquals(404, status(repo, token, amd64.digest()));
        assertEquals(404, status(repo, token, arm64.digest()));
        assertFalse(stored(amd64));
        assertFalse(stored(arm64));
    }

    @Test
    void badPermanentDeletionInputGets400AndChangesNothing() throws Exception {
        String repo = "bad";
        String token = push(repo);
        Image amd64 = image("bad amd64");
        Index index = Images.index(List.of(amd64), List.of("amd64"));
        Images.pushIndex(http, "alice/" + repo, token, "v", index);

        var alive = new JsonObject().put("is_alive", true);
        for (var body : List.of(alive.copy().put("include_submanifests", "yes"),
                alive.copy().put("include_submanifests", 1),
                new JsonObject().put("is_alive", "true").put("manifest_digest", index.digest()),
                new JsonObject().put("manifest_digest", 5),
                new JsonObject().put("include_submanifests", true))) {
            var r = expire(repo, "v", body);
            assertEquals(400, r.statusCode(), body.encode());
            assertEquals("invalid_request", json(r).getString("error_type"), r.body());
        }
        for (String raw : List.of("", "[]", "{not json")) {
            assertEquals(400, http.apiRaw("POST", "/repository/alice/" + repo + "/tag/v/expire", aliceApi, raw).statusCode(), raw);
        }
        assertEquals(400, expire(repo, "-bad", alive.copy().put("include_submanifests", true)).statusCode());

        collect(repo);
        Images.assertPulls(http, "alice/" + repo, token, amd64.digest(), amd64);
        assertEquals(200, status(repo, token, "v"));
        assertEquals(List.of(), fixtures.logKinds(repositoryId(repo)).stream()
                .filter(k -> k.startsWith("permanently")).toList());
    }

    @Test
    void expirationSetThroughTheApiWithinQuaysBounds() {
        String token = push("expiry");
        Image image = image("expiry");
        Images.push(http, "alice/expiry", token, "ci", image);
        long now = Instant.now().getEpochSecond();

        var set = putTag("expiry", "ci", new JsonObject().put("expiration", now + 7200));
        assertEquals(201, set.statusCode(), set.body());
        var tag = history("expiry", "?specificTag=ci").getJsonObject(0);
        assertEquals(now + 7200, tag.getLong("end_ts"));
        assertNotNull(tag.getString("expiration"));
        Images.assertPulls(http, "alice/expiry", token, "ci", image);

        // kept between LABELED_EXPIRATION_MINIMUM (1h) and _MAXIMUM (104w) after the tag's start
        long start = tag.getLong("start_ts");
        assertEquals(201, putTag("expiry", "ci", new JsonObject().put("expiration", now + 60)).statusCode());
        assertEquals(start + 3600, history("expiry", "?specificTag=ci").getJsonObject(0).getLong("end_ts"));
        assertEquals(201, putTag("expiry", "ci", new JsonObject().put("expiration", now + 200L * 7 * 86400)).statusCode());
        assertEquals(start + 104L * 7 * 86400, history("expiry", "?specificTag=ci").getJsonObject(0).getLong("end_ts"));

        assertEquals(400, putTag("expiry", "ci", new JsonObject().put("expiration", now - 10)).statusCode());
        assertEquals(400, putTag("expiry", "ci", new JsonObject().put("expiration", "tomorrow")).statusCode());
        assertEquals(404, putTag("expiry", "nope", new JsonObject().put("expiration", now + 7200)).statusCode());
        assertEquals(400, putTag("expiry", "-bad", new JsonObject().put("expiration", now + 7200)).statusCode());
        assertEquals(404, putTag("expiry", "ci", new JsonObject().put("manifest_digest", image("absent").digest())).statusCode());

        assertEquals(201, putTag("expiry", "ci", new JsonObject().putNull("expiration")).statusCode());
        assertFalse(history("expiry", "?specificTag=ci").getJsonObject(0).containsKey("end_ts"));
        fixtures.flushUsageLog();
        var logged = fixtures.query("""
                SELECT metadata FROM usage_log WHERE kind = 'change_tag_expiration' AND repository_id = $1 ORDER BY id""",
                Tuple.of(repositoryId("expiry")));
        assertEquals(4, logged.size());
        var cleared = logged.get(3).getJsonObject(0);
        assertFalse(cleared.containsKey("expiration_date"));
        assertNotNull(cleared.getString("old_expiration_date"));
    }

    @Test
    void anExpiredTagIsGoneAtOnceAndTheSweepMakesItHistory() throws Exception {
        String token = push("lapse");
        Image image = image("lapse");
        Images.push(http, "alice/lapse", token, "nightly", image);
        Images.push(http, "alice/lapse", token, "stable", image);
        // time passes: the expiration lies in the past now
        fixtures.query("""
                UPDATE tag SET expiration = now() - interval '1 minute'
                WHERE name = 'nightly' AND repository_id = $1""", Tuple.of(repositoryId("lapse")));

        assertEquals("TAG_EXPIRED", v2Error("lapse", token, "nightly"));
        var list = http.send(http.request("/v2/alice/lapse/tags/list", token).GET().build());
        assertEquals(new JsonArray().add("stable"), new JsonObject(list.body()).getJsonArray("tags"));
        assertEquals(List.of("stable"), names(history("lapse", "?onlyActiveTags=true")));
        assertFalse(json(http.api("GET", "/repository/alice/lapse", aliceApi, null)).getJsonObject("tags").containsKey("nightly"));

        var report = server.services().garbageCollector().run().await(30, TimeUnit.SECONDS);
        assertTrue(report.tagsExpired() >= 1);
        var row = fixtures.query("SELECT end_ts = expiration FROM tag WHERE name = 'nightly' AND repository_id = $1",
                Tuple.of(repositoryId("lapse"))).get(0);
        assertTrue(row.getBoolean(0));
        fixtures.flushUsageLog();
        var entry = fixtures.query("""
                SELECT performer_kind, metadata FROM usage_log WHERE kind = 'delete_tag' AND repository_id = $1""",
                Tuple.of(repositoryId("lapse"))).get(0);
        assertEquals("service", entry.getString(0));
        assertEquals("nightly", entry.getJsonObject(1).getString("tag"));
        // still in the time machine, so still restorable
        assertEquals(200, http.api("POST", "/repository/alice/lapse/tag/nightly/restore", aliceApi,
                new JsonObject().put("manifest_digest", image.digest())).statusCode());
        Images.assertPulls(http, "alice/lapse", token, "nightly", image);
    }

    @Test
    void theExpiresAfterLabelSetsTheTagsExpirationAtPush() {
        String token = push("labelled");
        Image twoDays = Images.image(Map.of("quay.expires-after", "2d"), "two days".getBytes(StandardCharsets.UTF_8));
        Image bogus = Images.image(Map.of("quay.expires-after", "soon"), "bogus".getBytes(StandardCharsets.UTF_8));
        Image minutes = Images.image(Map.of("quay.expires-after", "5m"), "minutes".getBytes(StandardCharsets.UTF_8));
        Images.push(http, "alice/labelled", token, "ci", twoDays);
        Images.push(http, "alice/labelled", token, "bogus", bogus);
        Images.push(http, "alice/labelled", token, minutes.digest(), minutes);
        assertEquals(201, putTag("labelled", "short", new JsonObject().put("manifest_digest", minutes.digest())).statusCode());

        var ci = history("labelled", "?specificTag=ci").getJsonObject(0);
        assertEquals(2 * 86400, ci.getLong("end_ts") - ci.getLong("start_ts"));
        assertFalse(history("labelled", "?specificTag=bogus").getJsonObject(0).containsKey("end_ts"));
        // a tag created through the API follows the label too, kept to the 1h minimum
        var shortTag = history("labelled", "?specificTag=short").getJsonObject(0);
        assertEquals(3600, shortTag.getLong("end_ts") - shortTag.getLong("start_ts"));
        Images.assertPulls(http, "alice/labelled", token, "ci", twoDays);
    }

    @Test
    void accessFollowsTheRepositoryRole() {
        String token = push("guarded");
        Images.push(http, "alice/guarded", token, "v", image("guarded"));
        String bob = server.oauthToken("bob", Set.of("repo:read", "repo:write"));
        String readOnly = server.oauthToken("alice", Set.of("repo:read"));
        assertEquals(401, http.api("GET", "/repository/alice/guarded/tag/", null, null).statusCode());
        assertEquals(403, http.api("GET", "/repository/alice/guarded/tag/", bob, null).statusCode());
        assertEquals(200, http.api("GET", "/repository/alice/guarded/tag/", readOnly, null).statusCode());
        assertEquals(403, http.api("DELETE", "/repository/alice/guarded/tag/v", readOnly, null).statusCode());
        assertEquals(403, http.api("DELETE", "/repository/alice/guarded/tag/v", bob, null).statusCode());
        assertEquals(404, http.api("GET", "/repository/alice/missing/tag/", aliceApi, null).statusCode());
        Images.assertPulls(http, "alice/guarded", token, "v", image("guarded"));
    }

    @Test
    void listsShowTheChildrenOfAnIndex() {
        String token = push("multi");
        Image amd64 = image("multi-amd64");
        Image arm64 = image("multi-arm64");
        Images.push(http, "alice/multi", token, amd64.digest(), amd64);
        Images.push(http, "alice/multi", token, arm64.digest(), arm64);
        byte[] index = Fixtures.bytes(Fixtures.index("application/vnd.oci.image.index.v1+json",
                Fixtures.platformDescriptor("application/vnd.oci.image.manifest.v1+json", amd64.manifest(), "linux", "amd64"),
                Fixtures.platformDescriptor("application/vnd.oci.image.manifest.v1+json", arm64.manifest(), "linux", "arm64")));
        assertEquals(201, new ManifestClient(http).put(token, "alice/multi", "latest",
                "application/vnd.oci.image.index.v1+json", index).statusCode());

        var tag = history("multi", "?specificTag=latest").getJsonObject(0);
        assertTrue(tag.getBoolean("is_manifest_list"));
        assertFalse(tag.getBoolean("is_sparse"));
        assertEquals(2, tag.getInteger("child_manifest_count"));
        assertEquals(2, tag.getInteger("present_child_count"));
        assertEquals(new JsonObject().put(amd64.digest(), true).put(arm64.digest(), true),
                tag.getJsonObject("child_manifests_presence"));
        assertNull(tag.getValue("size"));
    }
}
