package io.berth.registry.gc;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Images.Image;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Garbage collection end to end: what the time machine, tags, indexes, subjects and the grace period keep, and that
 * what nothing keeps leaves PostgreSQL and storage. Each test has a namespace of its own; background passes are off
 * and each test runs passes itself. The grace period is the default (1h): tests that need it over age the rows.
 */
class GarbageCollectorIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false, "SUPER_USERS", List.of("admin")));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        admin = http.initialize("admin", "admin-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user with a registry token for {@code user/repo} and the given time-machine window. */
    record User(String name, String registry, String api) {
        String repo(String name) { return this.name + "/" + name; }
    }

    static User user(String name, long windowSeconds, String... repos) {
        server.createUser(name, name + "-password");
        String apiToken = server.oauthToken(name, Set.of("repo:read", "repo:write", "repo:admin", "user:admin"));
        var window = http.api("PUT", "/user/", apiToken, new JsonObject().put("tag_expiration_s", windowSeconds));
        assertEquals(200, window.statusCode(), window.body());
        String[] scopes = java.util.Arrays.stream(repos).map(r -> "repository:" + name + "/" + r + ":pull,push")
                .toArray(String[]::new);
        return new User(name, http.token(name, name + "-password", scopes), apiToken);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes an image of a shared layer and a layer of its own to {@code repo:tag}. */
    static Image pushed(User user, String repo, String tag, byte[] shared, String own) {
        Image image = Images.image(Map.of(), shared, bytes(own));
        Images.push(http, user.repo(repo), user.registry(), tag, image);
        return image;
    }

    static GarbageCollector.Report gc() {
        try {
            return server.services().garbageCollector().run().await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the grace period pass for every link and every manifest pushed by digest so far. */
    static void passGrace() {
        fixtures.query("UPDATE repository_blob SET created_at = created_at - interval '2 hours'", Tuple.tuple());
        fixtures.query("UPDATE manifest SET keep_until = keep_until - interval '2 hours'", Tuple.tuple());
    }

    static Path stored(String digest) {
        return server.storedBlob(digest);
    }

    static long manifests(String namespace, String repo) {
        return fixtures.query("SELECT count(*) FROM manifest WHERE repository_id = $1",
                Tuple.of(fixtures.repository(namespace, repo, "private"))).get(0).getLong(0);
    }

    static int manifestStatus(User user, String repo, String reference) {
        return new ManifestClient(http).get(user.registry(), user.repo(repo), reference).statusCode();
    }

    static int blobStatus(User user, String repo, String digest) {
        return http.send(http.request("/v2/" + user.repo(repo) + "/blobs/" + digest, user.registry())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode();
    }

    @Test
    void withAZeroWindowADeletedTagsOwnBlobsLeaveStorageAndSharedOnesStay() throws Exception {
        User zed = user("zed", 0, "app");
        byte[] shared = bytes("shared base layer");
        Image a = pushed(zed, "app", "a", shared, "only in a");
        Image b = pushed(zed, "app", "b", shared, "only in b");
        assertEquals(202, new ManifestClient(http).delete(zed.registry(), zed.repo("app"), "a").statusCode());
        passGrace();

        var report = gc();

        // other tests' leftovers may go in the same pass
        assertTrue(report.manifestsDeleted() >= 1);
        assertTrue(report.blobsDeleted() >= 2);
        for (String gone : List.of(a.layerDigests().get(1), a.configDigest())) {
            assertFalse(Files.exists(stored(gone)), gone);
            assertEquals(404, blobStatus(zed, "app", gone));
        }
        assertEquals(404, manifestStatus(zed, "app", a.digest()));
        for (String kept : List.of(Blobs.sha256(shared), b.layerDigests().get(1), b.configDigest())) {
            assertTrue(Files.exists(stored(kept)), kept);
        }
        Images.assertPulls(http, zed.repo("app"), zed.registry(), "b", b);
        gc();
        Images.assertPulls(http, zed.repo("app"), zed.registry(), "b", b);

        fixtures.flushUsageLog();
        long repoId = fixtures.repository("zed", "app", "private");
        var entry = fixtures.query("""
                SELECT performer_kind, metadata FROM usage_log WHERE kind = 'gc_delete_manifests' AND repository_id = $1""",
                Tuple.of(repoId)).get(0);
        assertEquals("service", entry.getString(0));
        assertEquals(new JsonArray().add(a.digest()), entry.getJsonObject(1).getJsonArray("manifest_digests"));
        var blobs = fixtures.query("SELECT metadata FROM usage_log WHERE kind = 'gc_delete_blobs'", Tuple.tuple());
        assertTrue(blobs.stream().anyMatch(r -> r.getJsonObject(0).getJsonArray("digests").contains(a.configDigest())));
    }

    @Test
    void theTimeMachineKeepsADeletedTagsContentUntilItsWindowPasses() {
        User tim = user("tim", 1209600, "app");
        Image a = Images.image(Map.of(), bytes("tim's layer"));
        Images.push(http, tim.repo("app"), tim.registry(), "v", a);
        assertEquals(202, new ManifestClient(http).delete(tim.registry(), tim.repo("app"), "v").statusCode());
        passGrace();

        gc();
        assertEquals(200, manifestStatus(tim, "app", a.digest()));
        assertTrue(Files.exists(stored(a.layerDigests().get(0))));

        // two weeks and a day later
        fixtures.query("""
                UPDATE tag SET start_ts = start_ts - interval '15 days', end_ts = end_ts - interval '15 days'
                WHERE repository_id = $1""", Tuple.of(fixtures.repository("tim", "app", "private")));
        var report = gc();
        assertTrue(report.tagsRemoved() >= 1);
        assertEquals(404, manifestStatus(tim, "app", a.digest()));
        assertEquals(404, manifestStatus(tim, "app", "v"));
        assertFalse(Files.exists(stored(a.layerDigests().get(0))));
    }

    @Test
    void untaggedUploadsAndManifestsAreKeptForTheGracePeriod() {
        User gus = user("gus", 0, "app");
        String lonely = Blobs.push(http, gus.repo("app"), gus.registry(), bytes("uploaded, never referenced"));
        Image byDigest = Images.image(Map.of(), bytes("pushed by digest"));
        Images.push(http, gus.repo("app"), gus.registry(), byDigest.digest(), byDigest);

        gc();
        assertEquals(200, blobStatus(gus, "app", lonely));
        assertEquals(200, manifestStatus(gus, "app", byDigest.digest()));

        passGrace();
        gc();
        assertEquals(404, blobStatus(gus, "app", lonely));
        assertFalse(Files.exists(stored(lonely)));
        assertEquals(404, manifestStatus(gus, "app", byDigest.digest()));
        assertFalse(Files.exists(stored(byDigest.layerDigests().get(0))));
    }

    @Test
    void indexChildrenAndReferrersLiveAsLongAsWhatTheyBelongTo() {
        User ivy = user("ivy", 0, "app");
        var client = new ManifestClient(http);
        Image amd64 = Images.image(Map.of(), bytes("ivy amd64"));
        Image arm64 = Images.image(Map.of(), bytes("ivy arm64"));
        Images.push(http, ivy.repo("app"), ivy.registry(), amd64.digest(), amd64);
        Images.push(http, ivy.repo("app"), ivy.registry(), arm64.digest(), arm64);
        byte[] index = Fixtures.bytes(Fixtures.index("application/vnd.oci.image.index.v1+json",
                Fixtures.platformDescriptor("application/vnd.oci.image.manifest.v1+json", amd64.manifest(), "linux", "amd64"),
                Fixtures.platformDescriptor("application/vnd.oci.image.manifest.v1+json", arm64.manifest(), "linux", "arm64")));
        assertEquals(201, client.put(ivy.registry(), ivy.repo("app"), "multi", "application/vnd.oci.image.index.v1+json",
                index).statusCode());
        String indexDigest = Blobs.sha256(index);
        // a signature of the index, pushed by digest: kept through its subject
        byte[] empty = bytes("{}");
        byte[] signature = bytes("ivy's signature");
        Blobs.push(http, ivy.repo("app"), ivy.registry(), empty);
        Blobs.push(http, ivy.repo("app"), ivy.registry(), signature);
        byte[] referrer = Fixtures.bytes(new JsonObject().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("artifactType", "application/vnd.example.signature")
                .put("config", Fixtures.descriptor("application/vnd.oci.empty.v1+json", empty))
                .put("layers", new JsonArray().add(Fixtures.descriptor("application/octet-stream", signature)))
                .put("subject", Fixtures.descriptor("application/vnd.oci.image.index.v1+json", index)));
        String referrerDigest = Blobs.sha256(referrer);
        assertEquals(201, client.put(ivy.registry(), ivy.repo("app"), referrerDigest,
                "application/vnd.oci.image.manifest.v1+json", referrer).statusCode());
        passGrace();

        gc();
        assertEquals(4, manifests("ivy", "app"));
        for (String digest : List.of(indexDigest, amd64.digest(), arm64.digest(), referrerDigest)) {
            assertEquals(200, manifestStatus(ivy, "app", digest), digest);
        }
        Images.assertPulls(http, ivy.repo("app"), ivy.registry(), amd64.digest(), amd64);

        assertEquals(202, client.delete(ivy.registry(), ivy.repo("app"), "multi").statusCode());
        gc();
        assertEquals(0, manifests("ivy", "app"));
        for (String digest : List.of(indexDigest, amd64.digest(), arm64.digest(), referrerDigest)) {
            assertEquals(404, manifestStatus(ivy, "app", digest), digest);
        }
        assertFalse(Files.exists(stored(Blobs.sha256(signature))));
        assertFalse(Files.exists(stored(arm64.layerDigests().get(0))));
    }

    @Test
    void deletingARepositoryReclaimsItsStorage() {
        User rex = user("rex", 1209600, "one", "two");
        byte[] shared = bytes("rex shared layer");
        Image a = pushed(rex, "one", "v", shared, "only in one");
        Image b = pushed(rex, "two", "v", shared, "only in two");

        assertEquals(204, http.api("DELETE", "/repository/rex/one", rex.api(), null).statusCode());
        gc();

        assertFalse(Files.exists(stored(a.layerDigests().get(1))));
        assertFalse(Files.exists(stored(a.configDigest())));
        assertTrue(Files.exists(stored(Blobs.sha256(shared))));
        Images.assertPulls(http, rex.repo("two"), rex.registry(), "v", b);
    }

    @Test
    void deletingANamespaceReclaimsItsStorage() {
        User nia = user("nia", 1209600, "one", "two");
        Image a = pushed(nia, "one", "v", bytes("nia shared"), "nia one");
        Image b = pushed(nia, "two", "v", bytes("nia shared"), "nia two");
        // no namespace deletion API yet: the row goes, as that API will delete it, with everything that cascades
        fixtures.query("DELETE FROM account WHERE username = 'nia'", Tuple.tuple());
        gc();
        for (Image image : List.of(a, b)) {
            for (String digest : image.layerDigests()) assertFalse(Files.exists(stored(digest)), digest);
            assertFalse(Files.exists(stored(image.configDigest())));
        }
    }

    @Test
    void restoringATagLinksItsBlobsAgainAfterTheyWereDeleted() {
        User ros = user("ros", 1209600, "app");
        Image a = Images.image(Map.of(), bytes("ros layer"));
        Images.push(http, ros.repo("app"), ros.registry(), "v", a);
        var client = new ManifestClient(http);
        assertEquals(202, client.delete(ros.registry(), ros.repo("app"), a.digest()).statusCode());
        String layer = a.layerDigests().get(0);
        var unlink = http.send(http.request("/v2/" + ros.repo("app") + "/blobs/" + layer, ros.registry()).DELETE().build());
        assertEquals(202, unlink.statusCode(), unlink.body());
        assertEquals(404, blobStatus(ros, "app", layer));
        gc();

        var restored = http.api("POST", "/repository/ros/app/tag/v/restore", ros.api(),
                new JsonObject().put("manifest_digest", a.digest()));
        assertEquals(200, restored.statusCode(), restored.body());
        Images.assertPulls(http, ros.repo("app"), ros.registry(), "v", a);
    }

    @Test
    void theRepositoryViewCountsEachBlobOnce() {
        User sam = user("sam", 1209600, "app");
        byte[] shared = bytes("sam shared");
        Image a = pushed(sam, "app", "a", shared, "sam a");
        Image b = pushed(sam, "app", "b", shared, "sam bb");
        long expected = shared.length + "sam a".length() + "sam bb".length() + a.config().length + b.config().length;
        var view = json(http.api("GET", "/repository/sam/app", sam.api(), null));
        assertEquals(expected, view.getLong("size"));
        assertEquals(a.digest(), view.getJsonObject("tags").getJsonObject("a").getString("manifest_digest"));
        assertFalse(json(http.api("GET", "/repository/sam/app?includeTags=false", sam.api(), null)).containsKey("tags"));
    }

    @Test
    void superusersRunAPassOnDemandAndTheCountersShowWhatWasFreed() {
        var r = http.api("POST", "/superuser/gc", admin, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(json(r).containsKey("bytes_freed"));
        // a superuser's token without super:user is not enough
        assertEquals(403, http.api("POST", "/superuser/gc", server.oauthToken("admin", Set.of("repo:read")), null).statusCode());
        server.createUser("eve", "eve-password");
        assertEquals(403, http.api("POST", "/superuser/gc", server.oauthToken("eve", Set.of("super:user")), null).statusCode());
        assertEquals(403, http.api("POST", "/superuser/gc", null, null).statusCode(), "no token, no CSRF token");

        var metrics = http.send(http.request("/metrics", null).GET().build());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        long runs = counter(metrics.body(), "berth_gc_runs_total");
        assertTrue(runs >= 1);
        http.api("POST", "/superuser/gc", admin, null);
        assertEquals(runs + 1, counter(http.send(http.request("/metrics", null).GET().build()).body(), "berth_gc_runs_total"));
        assertTrue(metrics.body().contains("# TYPE berth_gc_blobs_deleted_total counter"));
    }

    static long counter(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    @Test
    void collectionRunsInTheBackground() {
        try (var node = TestServer.start(Map.of("GARBAGE_COLLECTION_FREQUENCY", 1, "PUSH_TEMP_TAG_EXPIRATION_SEC", 0))) {
            var nodeHttp = new RegistryHttp(node);
            node.createUser("bea", "bea-password");
            String apiToken = node.oauthToken("bea", Set.of("user:admin"));
            assertEquals(200, nodeHttp.api("PUT", "/user/", apiToken,
                    new JsonObject().put("tag_expiration_s", 0)).statusCode());
            String token = nodeHttp.token("bea", "bea-password", "repository:bea/app:pull,push");
            Image a = Images.image(Map.of(), bytes("bea layer"));
            Images.push(nodeHttp, "bea/app", token, "v", a);
            assertEquals(202, new ManifestClient(nodeHttp).delete(token, "bea/app", "v").statusCode());

            Path file = node.storedBlob(a.layerDigests().get(0));
            Poll.until(Duration.ofSeconds(60), "a background pass reclaims " + file,
                    () -> !Files.exists(file));
        }
    }
}
