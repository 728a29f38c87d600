package io.berth.registry.oci;

import io.berth.model.ref.RepositoryName;
import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.testing.Blobs.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HEAD/GET/DELETE /v2/<name>/blobs/<digest>, per the OCI distribution spec 1.1 (pull, content management). */
class BlobApiIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;
    static final byte[] CONTENT = Blobs.random(100_000, 1);
    static String digest;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.createUser("alice", "correct-horse");
        server.createUser("bob", "battery-staple");
        http = new RegistryHttp(server);
        alice = http.token("alice", "correct-horse", "repository:alice/app:pull,push", "repository:alice/nested/deep/app:pull,push",
                "repository:alice/del:pull,push", "repository:alice/ref:pull,push", "repository:alice/other:pull,push");
        digest = Blobs.push(http, "alice/app", alice, CONTENT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String token, String range) {
        var request = http.request(path, token).GET();
        if (range != null) request.header("Range", range);
        return http.sendBytes(request.build());
    }

    private HttpResponse<String> head(String path, String token) {
        return http.send(http.request(path, token).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void headDescribesTheBlobWithoutABody() {
        var r = head("/v2/alice/app/blobs/" + digest, alice);
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(CONTENT.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, r.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals("max-age=31536000", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("", r.body());
    }

    @Test
    void getStreamsTheBytes() {
        var r = get("/v2/alice/app/blobs/" + digest, alice, null);
        assertEquals(200, r.statusCode());
        assertEquals(digest, r.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(String.valueOf(CONTENT.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(CONTENT, r.body());
    }

    @Test
    void nestedRepositoryNamesWork() {
        byte[] bytes = Blobs.random(1234, 2);
        String d = Blobs.push(http, "alice/nested/deep/app", alice, bytes);
        assertArrayEquals(bytes, get("/v2/alice/nested/deep/app/blobs/" + d, alice, null).body());
    }

    @Test
    void rangesGive206WithContentRange() {
        int total = CONTENT.length;
        var r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=10-19");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 10-19/" + total, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 10, 20), r.body());

        r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=99990-");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 99990-99999/" + total, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 99_990, total), r.body());

        r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=-5");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 99995-99999/" + total, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(CONTENT, total - 5, total), r.body());

        r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=99999-200000");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 99999-99999/" + total, r.headers().firstValue("Content-Range").orElseThrow());
        assertEquals(1, r.body().length);
    }

    @Test
    void unsatisfiableRangeIs416WithTheSize() {
        var r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=100000-");
        assertEquals(416, r.statusCode());
        assertEquals("bytes */" + CONTENT.length, r.headers().firstValue("Content-Range").orElseThrow());
        r = get("/v2/alice/app/blobs/" + digest, alice, "bytes=-0");
        assertEquals(416, r.statusCode());
    }

    @Test
    void blobNotLinkedToTheRepositoryIsUnknown() {
        byte[] other = Blobs.random(50, 3);
        String d = Blobs.push(http, "alice/other", alice, other);
        var r = http.send(http.request("/v2/alice/app/blobs/" + d, alice).GET().build());
        assertEquals(404, r.statusCode());
        assertEquals("BLOB_UNKNOWN", errorCode(r));
        r = http.send(http.request("/v2/alice/app/blobs/sha256:" + "0".repeat(64), alice).GET().build());
        assertEquals(404, r.statusCode());
        assertEquals("BLOB_UNKNOWN", errorCode(r));
        assertEquals(404, head("/v2/alice/app/blobs/" + d, alice).statusCode());
    }

    @Test
    void badDigestStringsAre400() {
        for (String bad : new String[]{"sha256:xyz", "sha256:" + "A".repeat(64), "md5:" + "0".repeat(32), "notadigest",
                "sha512:" + "0".repeat(64)}) {
            var r = http.send(http.request("/v2/alice/app/blobs/" + bad, alice).GET().build());
            assertEquals(400, r.statusCode(), bad);
            assertEquals("DIGEST_INVALID", errorCode(r), bad);
            r = http.send(http.request("/v2/alice/app/blobs/" + bad, alice).DELETE().build());
            assertEquals(400, r.statusCode(), bad);
        }
    }

    @Test
    void privateBlobAskedAnonymouslyIsChallenged() {
        var r = http.send(http.request("/v2/alice/app/blobs/" + digest, null).GET().build());
        assertEquals(401, r.statusCode());
        assertEquals("UNAUTHORIZED", errorCode(r));
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.contains("scope=\"repository:alice/app:pull\""), challenge);
        String bob = http.token("bob", "battery-staple", "repository:alice/app:pull");
        assertEquals(401, http.send(http.request("/v2/alice/app/blobs/" + digest, bob).GET().build()).statusCode());
    }

    @Test
    void deleteUnlinksTheBlobFromTheRepositoryOnly() {
        byte[] bytes = Blobs.random(300, 4);
        String d = Blobs.push(http, "alice/del", alice, bytes);
        Blobs.push(http, "alice/other", alice, bytes);
        var r = http.send(http.request("/v2/alice/del/blobs/" + d, alice).DELETE().build());
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(404, head("/v2/alice/del/blobs/" + d, alice).statusCode());
        assertEquals(200, head("/v2/alice/other/blobs/" + d, alice).statusCode());
        r = http.send(http.request("/v2/alice/del/blobs/" + d, alice).DELETE().build());
        assertEquals(404, r.statusCode());
        assertEquals("BLOB_UNKNOWN", errorCode(r));
    }

    @Test
    void deleteOfABlobAManifestNeedsIsRefused() throws Exception {
        byte[] bytes = Blobs.random(400, 5);
        String d = Blobs.push(http, "alice/ref", alice, bytes);
        var pool = server.services().database().pool();
        long repoId = server.services().repositories().find(new RepositoryName("alice", "ref"))
                .await(10, TimeUnit.SECONDS).id();
        long manifestId = pool.preparedQuery("""
                        INSERT INTO manifest (repository_id, digest, media_type, content) VALUES ($1, $2, $3, $4)
                        RETURNING id""")
                .execute(Tuple.of(repoId, "sha256:" + "1".repeat(64), "application/vnd.oci.image.manifest.v1+json",
                        Buffer.buffer("{}")))
                .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
        pool.preparedQuery("INSERT INTO manifest_blob (manifest_id, digest) VALUES ($1, $2)")
                .execute(Tuple.of(manifestId, d)).await(10, TimeUnit.SECONDS);

        var r = http.send(http.request("/v2/alice/ref/blobs/" + d, alice).DELETE().build());
        assertEquals(405, r.statusCode());
        assertEquals("UNSUPPORTED", errorCode(r));
        assertTrue(r.body().contains("manifest"), r.body());
        assertEquals(200, head("/v2/alice/ref/blobs/" + d, alice).statusCode());
    }

    @Test
    void deleteNeedsPush() {
        String reader = http.token("bob", "battery-staple", "repository:alice/app:pull,push");
        var r = http.send(http.request("/v2/alice/app/blobs/" + digest, reader).DELETE().build());
        assertEquals(401, r.statusCode());
        assertEquals(200, head("/v2/alice/app/blobs/" + digest, alice).statusCode());
    }
}
