package io.berth.registry.oci;

import io.berth.model.oci.Digester;
import io.berth.registry.testing.Fixtures;
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
import java.util.Arrays;
import java.util.List;

import static io.berth.model.oci.MediaTypes.*;
import static io.berth.registry.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** The manifest endpoints and the tags list, driven as distribution-spec 1.1 describes them. */
class ManifestApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static ManifestClient manifests;
    static String alice;
    static long repo;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        manifests = new ManifestClient(http);
        var owned = fixtures.ownedRepository("alice", "correct-horse", "app");
        repo = owned.id();
        alice = owned.token();
        server.createUser("bob", "battery-staple");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An OCI image whose config and layer are in the repository; {@code seed} makes it unique. */
    static byte[] ociImage(String seed) {
        var config = fixtures.blob(repo, "application/vnd.oci.image.config.v1+json", "{\"architecture\":\"amd64\",\"seed\":\"" + seed + "\"}");
        var layer = fixtures.blob(repo, "application/vnd.oci.image.layer.v1.tar+gzip", "layer-" + seed);
        return bytes(image(OCI_MANIFEST, config, layer));
    }

    static HttpResponse<String> put(String token, String path, String reference, String contentType, byte[] body) {
        return manifests.put(token, path, reference, contentType, body);
    }

    static HttpResponse<byte[]> get(String token, String path, String reference, String... accept) {
        return manifests.get(token, path, reference, accept);
    }

    static HttpResponse<String> delete(String token, String path, String reference) {
        return manifests.delete(token, path, reference);
    }

    static String digest(byte[] bytes) { return Digester.sha256(bytes).toString(); }

    static String errorCode(String body) {
        return new JsonObject(body).getJsonArray("errors").getJsonObject(0).getString("code");
    }

    static String header(HttpResponse<?> r, String name) { return r.headers().firstValue(name).orElse(null); }

    @Test
    void ociManifestByTagRoundTripsByteForByte() {
        byte[] manifest = ociImage("roundtrip");
        var pushed = put(alice, "alice/app", "v1", OCI_MANIFEST, manifest);
        assertEquals(201, pushed.statusCode(), pushed.body());
        assertEquals(digest(manifest), header(pushed, "Docker-Content-Digest"));
        assertEquals("/v2/alice/app/manifests/" + digest(manifest), header(pushed, "Location"));
        assertNull(header(pushed, "OCI-Subject"));

        for (String ref : List.of("v1", digest(manifest))) {
            var got = get(alice, "alice/app", ref, OCI_MANIFEST + ", " + OCI_INDEX);
            assertEquals(200, got.statusCode());
            assertArrayEquals(manifest, got.body());
            assertEquals(digest(manifest), Digester.sha256(got.body()).toString());
            assertEquals(OCI_MANIFEST, header(got, "Content-Type"));
            assertEquals(digest(manifest), header(got, "Docker-Content-Digest"));
            assertEquals(String.valueOf(manifest.length), header(got, "Content-Length"));
        }
        var head = manifests.head(alice, "alice/app", "v1");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(manifest.length), header(head, "Content-Length"));
        assertEquals(digest(manifest), header(head, "Docker-Content-Digest"));
        assertEquals(OCI_MANIFEST, header(head, "Content-Type"));
    }

    @Test
    void dockerSchema2AndManifestListWithDockerChildren() {
        var config = fixtures.blob(repo, "application/vnd.docker.container.image.v1+json", "{\"os\":\"linux\"}");
        var layer = fixtures.blob(repo, "application/vnd.docker.image.rootfs.diff.tar.gzip", "docker-layer");
        byte[] amd64 = bytes(image(DOCKER_MANIFEST, config, layer));
        var layer2 = fixtures.blob(repo, "application/vnd.docker.image.rootfs.diff.tar.gzip", "docker-layer-arm");
        byte[] arm64 = bytes(image(DOCKER_MANIFEST, config, layer2));
        assertEquals(201, put(alice, "alice/app", digest(amd64), DOCKER_MANIFEST, amd64).statusCode());
        assertEquals(201, put(alice, "alice/app", digest(arm64), DOCKER_MANIFEST, arm64).statusCode());
        byte[] list = bytes(index(DOCKER_MANIFEST_LIST, platformDescriptor(DOCKER_MANIFEST, arm64, "linux", "arm64"),
                platformDescriptor(DOCKER_MANIFEST, amd64, "linux", "amd64")));
        var pushed = put(alice, "alice/app", "multi", DOCKER_MANIFEST_LIST, list);
        assertEquals(201, pushed.statusCode(), pushed.body());

        // what docker sends: every type it understands; the list comes back as stored
        var got = get(alice, "alice/app", "multi", String.join(",", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST));
        assertArrayEquals(list, got.body());
        assertEquals(DOCKER_MANIFEST_LIST, header(got, "Content-Type"));
        // a client that takes no lists gets the linux/amd64 child as stored
        var child = get(alice, "alice/app", "multi", DOCKER_MANIFEST);
        assertEquals(200, child.statusCode());
        assertArrayEquals(amd64, child.body());
        assertEquals(digest(amd64), header(child, "Docker-Content-Digest"));
        // by digest, the stored bytes regardless of Accept
        assertArrayEquals(list, get(alice, "alice/app", digest(list), DOCKER_MANIFEST).body());

        // the index children were recorded
        var rows = fixtures.query("""
                SELECT count(*) FROM manifest_child c JOIN manifest p ON p.id = c.manifest_id
                WHERE p.repository_id = $1 AND p.digest = $2""", Tuple.of(repo, digest(list)));
        assertEquals(2L, rows.get(0).getLong(0));
    }

    @Test
    void ociManifestRefusedToClientThatOnlyTakesDockerTypes() {
        byte[] manifest = ociImage("docker-only-client");
        assertEquals(201, put(alice, "alice/app", "oci-only", OCI_MANIFEST, manifest).statusCode());
        var got = get(alice, "alice/app", "oci-only", DOCKER_MANIFEST + "," + DOCKER_MANIFEST_LIST);
        assertEquals(404, got.statusCode());
        assertEquals("MANIFEST_UNKNOWN", errorCode(new String(got.body(), StandardCharsets.UTF_8)));
        assertEquals(200, get(alice, "alice/app", "oci-only", "*/*").statusCode());
        assertEquals(200, get(alice, "alice/app", "oci-only", "application/json").statusCode());
    }

    @Test
    void ociIndexWithDockerChildAndMissingChild() {
        byte[] child = ociImage("index-child");
        var config = fixtures.blob(repo, "application/vnd.docker.container.image.v1+json", "{\"os\":\"windows\"}");
        byte[] dockerChild = bytes(image(DOCKER_MANIFEST, config, fixtures.blob(repo,
                "application/vnd.docker.image.rootfs.diff.tar.gzip", "win")));
        assertEquals(201, put(alice, "alice/app", digest(child), OCI_MANIFEST, child).statusCode());
        assertEquals(201, put(alice, "alice/app", digest(dockerChild), DOCKER_MANIFEST, dockerChild).statusCode());
        byte[] idx = bytes(index(OCI_INDEX, platformDescriptor(OCI_MANIFEST, child, "linux", "amd64"),
                platformDescriptor(DOCKER_MANIFEST, dockerChild, "windows", "amd64")));
        var ok = put(alice, "alice/app", "index", OCI_INDEX, idx);
        assertEquals(201, ok.statusCode(), ok.body());
        assertArrayEquals(idx, get(alice, "alice/app", "index").body());

        byte[] missing = "{\"schemaVersion\":2,\"nothing\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] broken = bytes(index(OCI_INDEX, descriptor(OCI_MANIFEST, child), descriptor(OCI_MANIFEST, missing)));
        var refused = put(alice, "alice/app", "broken-index", OCI_INDEX, broken);
        assertEquals(400, refused.statusCode());
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(refused.body()));
        assertEquals(digest(missing), new JsonObject(refused.body()).getJsonArray("errors").getJsonObject(0)
                .getJsonObject("detail").getString("digest"));
    }

    @Test
    void pushByDigestAndDigestMismatch() {
        byte[] manifest = ociImage("by-digest");
        var pushed = put(alice, "alice/app", digest(manifest), OCI_MANIFEST, manifest);
        assertEquals(201, pushed.statusCode(), pushed.body());
        assertEquals(digest(manifest), header(pushed, "Docker-Content-Digest"));
        assertArrayEquals(manifest, get(alice, "alice/app", digest(manifest)).body());

        byte[] other = ociImage("by-digest-other");
        var mismatch = put(alice, "alice/app", digest(manifest), OCI_MANIFEST, other);
        assertEquals(400, mismatch.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(mismatch.body()));

        // sha512 in the URL: the content is hashed with sha512
        String sha512 = Digester.of("sha512", other).toString();
        var strong = put(alice, "alice/app", sha512, OCI_MANIFEST, other);
        assertEquals(201, strong.statusCode(), strong.body());
        assertEquals(sha512, header(strong, "Docker-Content-Digest"));
        assertArrayEquals(other, get(alice, "alice/app", sha512).body());
    }

    @Test
    void missingBlobIsManifestBlobUnknownNamingTheDigest() {
        var config = fixtures.blob(repo, "application/vnd.oci.image.config.v1+json", "{\"missing\":true}");
        byte[] absent = "never uploaded".getBytes(StandardCharsets.UTF_8);
        byte[] manifest = bytes(image(OCI_MANIFEST, config, descriptor("application/vnd.oci.image.layer.v1.tar+gzip", absent)));
        var r = put(alice, "alice/app", "missing-blob", OCI_MANIFEST, manifest);
        assertEquals(400, r.statusCode());
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(r.body()));
        assertEquals(digest(absent), new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0)
                .getJsonObject("detail").getString("digest"));
        // a blob of another repository does not count
        long other = fixtures.repository("bob", "elsewhere", "private");
        var foreign = fixtures.blob(other, "application/vnd.oci.image.layer.v1.tar+gzip", "bob-layer");
        var r2 = put(alice, "alice/app", "foreign-blob", OCI_MANIFEST, bytes(image(OCI_MANIFEST, config, foreign)));
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(r2.body()));
        assertEquals(404, get(alice, "alice/app", "missing-blob").statusCode());
    }

    @Test
    void artifactsWithCustomConfigAndEmptyConfig() {
        var helmConfig = fixtures.blob(repo, "application/vnd.cncf.helm.config.v1+json", "{\"name\":\"chart\",\"version\":\"1.0.0\"}");
        var chart = fixtures.blob(repo, "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart-bytes");
        byte[] helm = bytes(image(OCI_MANIFEST, helmConfig, chart));
        assertEquals(201, put(alice, "alice/app", "chart-1.0.0", OCI_MANIFEST, helm).statusCode());
        assertArrayEquals(helm, get(alice, "alice/app", "chart-1.0.0").body());

        var empty = fixtures.blob(repo, OCI_EMPTY, "{}");
        var sbom = fixtures.blob(repo, "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
        byte[] artifact = bytes(image(OCI_MANIFEST, empty, sbom).put("artifactType", "application/spdx+json"));
        var r = put(alice, "alice/app", digest(artifact), OCI_MANIFEST, artifact);
        assertEquals(201, r.statusCode(), r.body());
        var row = fixtures.query("SELECT artifact_type FROM manifest WHERE repository_id = $1 AND digest = $2",
                Tuple.of(repo, digest(artifact)));
        assertEquals("application/spdx+json", row.get(0).getString(0));
    }

    @Test
    void badRequestsAreRefusedInTheOciEnvelope() {
        byte[] manifest = ociImage("bad");
        var unsupported = put(alice, "alice/app", "bad", "text/plain", manifest);
        assertEquals(415, unsupported.statusCode());
        assertEquals("MANIFEST_INVALID", errorCode(unsupported.body()));
        var schema1 = put(alice, "alice/app", "bad", "application/vnd.docker.distribution.manifest.v1+prettyjws", manifest);
        assertEquals(415, schema1.statusCode());

        var malformed = put(alice, "alice/app", "bad", OCI_MANIFEST, "{\"schemaVersion\": 2, \"config\": ".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, malformed.statusCode());
        assertEquals("MANIFEST_INVALID", errorCode(malformed.body()));
        var notObject = put(alice, "alice/app", "bad", OCI_MANIFEST, "[1,2]".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notObject.statusCode());
        assertEquals("MANIFEST_INVALID", errorCode(notObject.body()));
        var wrongType = put(alice, "alice/app", "bad", OCI_INDEX, manifest);
        assertEquals(400, wrongType.statusCode());
        assertEquals("MANIFEST_INVALID", errorCode(wrongType.body()));

        var badTag = put(alice, "alice/app", "-nope", OCI_MANIFEST, manifest);
        assertEquals(400, badTag.statusCode());
        assertEquals("TAG_INVALID", errorCode(badTag.body()));

        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        Arrays.fill(huge, (byte) ' ');
        var tooLarge = put(alice, "alice/app", "huge", OCI_MANIFEST, huge);
        assertEquals(413, tooLarge.statusCode());
        assertEquals("SIZE_INVALID", errorCode(tooLarge.body()));
        assertEquals(404, get(alice, "alice/app", "bad").statusCode());
    }

    @Test
    void movingATagKeepsHistoryAndLogsIt() {
        byte[] first = ociImage("move-1");
        byte[] second = ociImage("move-2");
        assertEquals(201, put(alice, "alice/app", "moving", OCI_MANIFEST, first).statusCode());
        assertEquals(201, put(alice, "alice/app", "moving", OCI_MANIFEST, first).statusCode());
        assertEquals(201, put(alice, "alice/app", "moving", OCI_MANIFEST, second).statusCode());
        assertArrayEquals(second, get(alice, "alice/app", "moving").body());

        var history = fixtures.query("""
                SELECT m.digest, t.end_ts IS NULL AS live FROM tag t JOIN manifest m ON m.id = t.manifest_id
                WHERE t.repository_id = $1 AND t.name = 'moving' ORDER BY t.id""", Tuple.of(repo));
        assertEquals(2, history.size(), "pushing the same manifest again does not add history");
        assertEquals(digest(first), history.get(0).getString("digest"));
        assertFalse(history.get(0).getBoolean("live"));
        assertEquals(digest(second), history.get(1).getString("digest"));
        assertTrue(history.get(1).getBoolean("live"));

        fixtures.flushUsageLog();
        var logs = fixtures.query("""
                SELECT kind, metadata FROM usage_log WHERE repository_id = $1 AND metadata->>'tag' = 'moving'
                ORDER BY id""", Tuple.of(repo));
        var kinds = logs.stream().map(r -> r.getString("kind")).toList();
        assertEquals(List.of("push_repo", "create_tag", "push_repo", "push_repo", "move_tag", "pull_repo"), kinds);
        JsonObject move = (JsonObject) logs.get(4).getValue("metadata");
        assertEquals(digest(first), move.getString("original_manifest_digest"));
        assertEquals(digest(second), move.getString("manifest_digest"));
        assertEquals("app", move.getString("repo"));
        assertEquals("alice", move.getString("namespace"));
        JsonObject push = (JsonObject) logs.get(0).getValue("metadata");
        assertEquals(digest(first), push.getString("manifest_digest"));
    }

    @Test
    void deleteByTagThenTagExpired() {
        byte[] manifest = ociImage("delete-tag");
        assertEquals(201, put(alice, "alice/app", "doomed", OCI_MANIFEST, manifest).statusCode());
        assertEquals(202, delete(alice, "alice/app", "doomed").statusCode());
        var gone = get(alice, "alice/app", "doomed");
        assertEquals(404, gone.statusCode());
        String body = new String(gone.body(), StandardCharsets.UTF_8);
        assertEquals("TAG_EXPIRED", errorCode(body));
        assertTrue(body.contains("Tag doomed was deleted or has expired. To pull, revive via time machine"), body);
        assertEquals(404, delete(alice, "alice/app", "doomed").statusCode());
        // the manifest itself is still there by digest
        assertEquals(200, get(alice, "alice/app", digest(manifest)).statusCode());
        assertEquals(404, get(alice, "alice/app", "never-existed").statusCode());
        assertEquals("MANIFEST_UNKNOWN", errorCode(new String(get(alice, "alice/app", "never-existed").body(), StandardCharsets.UTF_8)));
    }

    @Test
    void expiredTagCountsAsGoneAndCanBePushedAgain() {
        byte[] manifest = ociImage("expired");
        assertEquals(201, put(alice, "alice/app", "short-lived", OCI_MANIFEST, manifest).statusCode());
        fixtures.query("UPDATE tag SET expiration = now() - interval '1 minute' WHERE repository_id = $1 AND name = 'short-lived'",
                Tuple.of(repo));
        assertEquals("TAG_EXPIRED", errorCode(new String(get(alice, "alice/app", "short-lived").body(), StandardCharsets.UTF_8)));
        assertEquals(201, put(alice, "alice/app", "short-lived", OCI_MANIFEST, manifest).statusCode());
        assertEquals(200, get(alice, "alice/app", "short-lived").statusCode());
        var rows = fixtures.query("SELECT count(*) FROM tag WHERE repository_id = $1 AND name = 'short-lived' AND end_ts IS NULL",
                Tuple.of(repo));
        assertEquals(1L, rows.get(0).getLong(0));
    }

    @Test
    void deleteByDigestEndsTagsAndHidesTheManifest() {
        byte[] manifest = ociImage("delete-digest");
        assertEquals(201, put(alice, "alice/app", "dd-1", OCI_MANIFEST, manifest).statusCode());
        assertEquals(201, put(alice, "alice/app", "dd-2", OCI_MANIFEST, manifest).statusCode());
        assertEquals(202, delete(alice, "alice/app", digest(manifest)).statusCode());
        assertEquals(404, get(alice, "alice/app", digest(manifest)).statusCode());
        assertEquals("TAG_EXPIRED", errorCode(new String(get(alice, "alice/app", "dd-1").body(), StandardCharsets.UTF_8)));
        assertEquals(404, delete(alice, "alice/app", digest(manifest)).statusCode());
        var history = fixtures.query("SELECT count(*) FROM tag WHERE repository_id = $1 AND name IN ('dd-1', 'dd-2') AND end_ts IS NOT NULL",
                Tuple.of(repo));
        assertEquals(2L, history.get(0).getLong(0));

        // pushing the same bytes again brings it back
        assertEquals(201, put(alice, "alice/app", "dd-1", OCI_MANIFEST, manifest).statusCode());
        assertEquals(200, get(alice, "alice/app", digest(manifest)).statusCode());
    }

    @Test
    void childOfAnIndexCannotBeDeletedUntilTheIndexIs() {
        byte[] child = ociImage("protected-child");
        assertEquals(201, put(alice, "alice/app", digest(child), OCI_MANIFEST, child).statusCode());
        byte[] idx = bytes(index(OCI_INDEX, platformDescriptor(OCI_MANIFEST, child, "linux", "amd64")));
        assertEquals(201, put(alice, "alice/app", digest(idx), OCI_INDEX, idx).statusCode());
        var refused = delete(alice, "alice/app", digest(child));
        assertEquals(409, refused.statusCode());
        assertEquals("DENIED", errorCode(refused.body()));
        assertEquals(202, delete(alice, "alice/app", digest(idx)).statusCode());
        assertEquals(202, delete(alice, "alice/app", digest(child)).statusCode());
    }

    @Test
    void tagsListPaginatesInByteOrder() {
        long r = fixtures.repository("alice", "tagged", "private");
        String token = http.token("alice", "correct-horse", "repository:alice/tagged:pull,push");
        var config = fixtures.blob(r, "application/vnd.oci.image.config.v1+json", "{}");
        byte[] manifest = bytes(image(OCI_MANIFEST, config));
        for (String tag : List.of("b", "a", "B", "c", "a-1")) {
            assertEquals(201, put(token, "alice/tagged", tag, OCI_MANIFEST, manifest).statusCode());
        }
        assertEquals(202, delete(token, "alice/tagged", "c").statusCode());

        var all = http.send(http.request("/v2/alice/tagged/tags/list", token).build());
        assertEquals(200, all.statusCode());
        assertEquals(new JsonObject().put("name", "alice/tagged").put("tags", new JsonArray(List.of("B", "a", "a-1", "b"))),
                new JsonObject(all.body()));
        assertNull(header(all, "Link"));

        var first = http.send(http.request("/v2/alice/tagged/tags/list?n=2", token).build());
        assertEquals(new JsonArray(List.of("B", "a")), new JsonObject(first.body()).getJsonArray("tags"));
        assertEquals("</v2/alice/tagged/tags/list?n=2&last=a>; rel=\"next\"", header(first, "Link"));
        var second = http.send(http.request("/v2/alice/tagged/tags/list?n=2&last=a", token).build());
        assertEquals(new JsonArray(List.of("a-1", "b")), new JsonObject(second.body()).getJsonArray("tags"));
        assertNull(header(second, "Link"), "no next page when nothing follows");
        var none = http.send(http.request("/v2/alice/tagged/tags/list?n=0", token).build());
        assertEquals(new JsonArray(), new JsonObject(none.body()).getJsonArray("tags"));
        assertNull(header(none, "Link"));

        String missingRepo = http.token("alice", "correct-horse", "repository:alice/nothing-here:pull");
        var missing = http.send(http.request("/v2/alice/nothing-here/tags/list", missingRepo).build());
        assertEquals(404, missing.statusCode());
        assertEquals("NAME_UNKNOWN", errorCode(missing.body()));
    }

    @Test
    void pushCreatesTheRepositoryAndAnonymousAccessFollowsVisibility() {
        String token = http.token("alice", "correct-horse", "repository:alice/fresh/nested:pull,push");
        // the repository does not exist yet: the config blob needs it, so push creates it with an empty artifact
        var first = put(token, "alice/fresh/nested", "v1", OCI_MANIFEST, bytes(new JsonObject()
                .put("schemaVersion", 2).put("mediaType", OCI_MANIFEST).put("config", descriptor(OCI_EMPTY, "{}".getBytes()))
                .put("layers", new JsonArray())));
        assertEquals(400, first.statusCode(), "the empty config blob was never uploaded");
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(first.body()));
        long nested = fixtures.repository("alice", "fresh/nested", "private");
        byte[] manifest = bytes(image(OCI_MANIFEST, fixtures.blob(nested, OCI_EMPTY, "{}")).put("artifactType", "application/x-test"));
        assertEquals(201, put(token, "alice/fresh/nested", "v1", OCI_MANIFEST, manifest).statusCode());

        var anonymous = get(null, "alice/fresh/nested", "v1");
        assertEquals(401, anonymous.statusCode());
        assertEquals("Bearer realm=\"http://" + server.hostPort() + "/v2/auth\",service=\"" + server.hostPort()
                + "\",scope=\"repository:alice/fresh/nested:pull\"", header(anonymous, "WWW-Authenticate"));
        String bob = http.token("bob", "battery-staple", "repository:alice/fresh/nested:pull,push");
        assertEquals(401, get(bob, "alice/fresh/nested", "v1").statusCode());
        assertEquals(401, put(bob, "alice/fresh/nested", "v2", OCI_MANIFEST, manifest).statusCode());
        assertEquals(401, delete(bob, "alice/fresh/nested", "v1").statusCode());
        assertEquals(401, delete(null, "alice/fresh/nested", "v1").statusCode());

        fixtures.query("UPDATE repository SET visibility = 'public' WHERE id = $1", Tuple.of(nested));
        var pub = get(null, "alice/fresh/nested", "v1");
        assertEquals(200, pub.statusCode());
        assertArrayEquals(manifest, pub.body());
        assertEquals(401, put(null, "alice/fresh/nested", "v2", OCI_MANIFEST, manifest).statusCode());
    }

    @Test
    void pullAndPushAreLoggedWithQuayKeys() {
        byte[] manifest = ociImage("logged");
        assertEquals(201, put(alice, "alice/app", "logged", OCI_MANIFEST, manifest).statusCode());
        assertEquals(200, get(alice, "alice/app", "logged").statusCode());
        var head = manifests.head(alice, "alice/app", "logged");
        assertEquals(200, head.statusCode());
        assertEquals(200, get(alice, "alice/app", digest(manifest)).statusCode());
        fixtures.flushUsageLog();
        var logs = fixtures.query("""
                SELECT kind, metadata, performer_kind, ip FROM usage_log
                WHERE repository_id = $1 AND metadata->>'manifest_digest' = $2 AND kind IN ('push_repo', 'pull_repo')
                ORDER BY id""", Tuple.of(repo, digest(manifest)));
        assertEquals(List.of("push_repo", "pull_repo", "pull_repo"), logs.stream().map(r -> r.getString("kind")).toList(),
                "HEAD is not a pull");
        JsonObject byTag = (JsonObject) logs.get(1).getValue("metadata");
        assertEquals(new JsonObject().put("repo", "app").put("namespace", "alice").put("tag", "logged")
                .put("manifest_digest", digest(manifest)), byTag);
        JsonObject byDigest = (JsonObject) logs.get(2).getValue("metadata");
        assertFalse(byDigest.containsKey("tag"));
        assertEquals("user", logs.get(0).getString("performer_kind"));
        assertEquals("127.0.0.1", logs.get(0).getString("ip"));
    }
}
