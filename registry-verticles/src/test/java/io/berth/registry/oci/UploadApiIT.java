package io.berth.registry.oci;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.testing.Blobs.errorCode;
import static io.berth.registry.testing.Blobs.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blob uploads per the OCI distribution spec 1.1 ("Pushing blobs": monolithic, chunked, mounting) and the checks of
 * its conformance suite (out-of-order chunk → 416, PUT with the final chunk, streamed PATCH without Content-Range).
 */
class UploadApiIT {
    static final int LIMIT = 1 << 20; // MAXIMUM_LAYER_SIZE: 1M
    static TestServer server;
    static RegistryHttp http;
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MAXIMUM_LAYER_SIZE", "1M"));
        server.createUser("alice", "correct-horse");
        server.createUser("bob", "battery-staple");
        http = new RegistryHttp(server);
        alice = http.token("alice", "correct-horse", "repository:alice/app:pull,push",
                "repository:alice/base:pull,push", "repository:alice/other:pull,push");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpRequest.BodyPublisher bytes(byte[] b) {
        return HttpRequest.BodyPublishers.ofByteArray(b);
    }

    /** A body of unknown length, which the client sends with chunked transfer encoding. */
    private static HttpRequest.BodyPublisher streamed(byte[] b) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(b));
    }

    private HttpResponse<String> patch(String location, byte[] body, String contentRange) {
        var request = http.request(location, alice).method("PATCH", bytes(body))
                .header("Content-Type", "application/octet-stream");
        if (contentRange != null) request.header("Content-Range", contentRange);
        return http.send(request.build());
    }

    private HttpResponse<String> put(String location, String digest, HttpRequest.BodyPublisher body) {
        return http.send(http.request(location + "?digest=" + query(digest), alice).PUT(body).build());
    }

    private HttpResponse<String> status(String location) {
        return http.send(http.request(location, alice).GET().build());
    }

    /** {@code POST /v2/<repository>/blobs/uploads/?mount=<digest>[&from=<from>]}. */
    private HttpResponse<String> mount(String repository, String digest, String from, String token) {
        String query = "?mount=" + query(digest) + (from == null ? "" : "&from=" + query(from));
        return http.send(http.request("/v2/" + repository + "/blobs/uploads/" + query, token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private byte[] pull(String repository, String digest) {
        var r = http.sendBytes(http.request("/v2/" + repository + "/blobs/" + digest, alice).GET().build());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    @Test
    void postStartsASession() {
        var r = http.send(http.request("/v2/alice/app/blobs/uploads/", alice).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, r.statusCode(), r.body());
        String uuid = header(r, "Docker-Upload-UUID");
        UUID.fromString(uuid);
        assertEquals("/v2/alice/app/blobs/uploads/" + uuid, header(r, "Location"));
        assertEquals("0-0", header(r, "Range"));
        assertEquals("0", header(r, "Content-Length"));

        var s = status(header(r, "Location"));
        assertEquals(204, s.statusCode());
        assertEquals("0-0", header(s, "Range"));
        assertEquals(uuid, header(s, "Docker-Upload-UUID"));
        assertEquals("/v2/alice/app/blobs/uploads/" + uuid, header(s, "Location"));
    }

    @Test
    void monolithicPostWithDigestCreatesTheBlob() {
        byte[] content = Blobs.random(5000, 10);
        String digest = Blobs.sha256(content);
        var r = http.send(http.request("/v2/alice/app/blobs/uploads/?digest=" + query(digest), alice)
                .header("Content-Type", "application/octet-stream").POST(bytes(content)).build());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/v2/alice/app/blobs/" + digest, header(r, "Location"));
        assertEquals(digest, header(r, "Docker-Content-Digest"));
        assertArrayEquals(content, pull("alice/app", digest));
    }

    @Test
    void postThenPutUploadsMonolithically() {
        byte[] content = Blobs.random(7000, 11);
        String digest = Blobs.sha256(content);
        var r = put(Blobs.start(http, "alice/app", alice), digest, bytes(content));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/v2/alice/app/blobs/" + digest, header(r, "Location"));
        assertEquals(digest, header(r, "Docker-Content-Digest"));
        assertEquals("0", header(r, "Content-Length"));
        assertArrayEquals(content, pull("alice/app", digest));
    }

    @Test
    void emptyBlobUploads() {
        byte[] content = new byte[0];
        var r = put(Blobs.start(http, "alice/app", alice), Blobs.sha256(content), HttpRequest.BodyPublishers.noBody());
        assertEquals(201, r.statusCode(), r.body());
        var head = http.send(http.request("/v2/alice/app/blobs/" + Blobs.sha256(content), alice)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        assertEquals("0", header(head, "Content-Length"));
    }

    @Test
    void chunksWithContentRangeAppendInOrder() {
        byte[] content = Blobs.random(30_000, 12);
        String location = Blobs.start(http, "alice/app", alice);
        var r = patch(location, Arrays.copyOfRange(content, 0, 10_000), "0-9999");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("0-9999", header(r, "Range"));
        assertEquals("0", header(r, "Content-Length"));
        String uuid = header(r, "Docker-Upload-UUID");
        location = header(r, "Location");
        assertTrue(location.endsWith("/v2/alice/app/blobs/uploads/" + uuid), location);

        var s = status(location);
        assertEquals(204, s.statusCode());
        assertEquals("0-9999", header(s, "Range"));

        r = patch(location, Arrays.copyOfRange(content, 10_000, 20_000), "bytes 10000-19999");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("0-19999", header(r, "Range"));
        r = patch(header(r, "Location"), Arrays.copyOfRange(content, 20_000, 30_000), "20000-29999");
        assertEquals("0-29999", header(r, "Range"));

        String digest = Blobs.sha256(content);
        r = put(header(r, "Location"), digest, HttpRequest.BodyPublishers.noBody());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(digest, header(r, "Docker-Content-Digest"));
        assertArrayEquals(content, pull("alice/app", digest));
        assertEquals(404, status(location).statusCode());
    }

    @Test
    void streamedChunksWithoutContentRange() {
        byte[] content = Blobs.random(200_000, 13);
        String location = Blobs.start(http, "alice/app", alice);
        var r = http.send(http.request(location, alice).version(HttpClient.Version.HTTP_1_1)
                .method("PATCH", streamed(Arrays.copyOfRange(content, 0, 150_000))).build());
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("0-149999", header(r, "Range"));
        r = http.send(http.request(header(r, "Location"), alice).version(HttpClient.Version.HTTP_1_1)
                .method("PATCH", streamed(Arrays.copyOfRange(content, 150_000, 200_000))).build());
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("0-199999", header(r, "Range"));
        String digest = Blobs.sha256(content);
        assertEquals(201, put(header(r, "Location"), digest, HttpRequest.BodyPublishers.noBody()).statusCode());
        assertArrayEquals(content, pull("alice/app", digest));
    }

    @Test
    void outOfOrderChunkIs416WithTheCurrentRange() {
        byte[] content = Blobs.random(200, 14);
        String location = Blobs.start(http, "alice/app", alice);
        var r = patch(location, Arrays.copyOfRange(content, 100, 200), "100-199");
        assertEquals(416, r.statusCode(), r.body());
        assertEquals("0-0", header(r, "Range"));
        assertEquals(location, header(r, "Location"));
        assertEquals(location.substring(location.lastIndexOf('/') + 1), header(r, "Docker-Upload-UUID"));
        assertEquals("BLOB_UPLOAD_INVALID", errorCode(r));

        assertEquals(202, patch(location, Arrays.copyOfRange(content, 0, 100), "0-99").statusCode());
        r = patch(location, Arrays.copyOfRange(content, 0, 100), "0-99");
        assertEquals(416, r.statusCode());
        assertEquals("0-99", header(r, "Range"));

        // the session is still usable after a 416
        r = put(location, Blobs.sha256(content), HttpRequest.BodyPublishers.noBody());
        assertEquals(400, r.statusCode(), "only half of the bytes were sent");
        assertEquals("DIGEST_INVALID", errorCode(r));
    }

    @Test
    void contentRangeThatDisagreesWithContentLengthIs416() {
        String location = Blobs.start(http, "alice/app", alice);
        var r = patch(location, new byte[10], "0-19");
        assertEquals(416, r.statusCode());
        assertEquals("0-0", header(r, "Range"));
    }

    @Test
    void malformedContentRangeIs400() {
        String location = Blobs.start(http, "alice/app", alice);
        for (String bad : new String[]{"bogus", "0-x", "5-1", "-1-4"}) {
            var r = patch(location, new byte[4], bad);
            assertEquals(400, r.statusCode(), bad);
            assertEquals("BLOB_UPLOAD_INVALID", errorCode(r), bad);
        }
        assertEquals("0-0", header(status(location), "Range"));
    }

    @Test
    void putCarriesTheFinalChunk() {
        byte[] content = Blobs.random(20_000, 15);
        String location = Blobs.start(http, "alice/app", alice);
        var r = patch(location, Arrays.copyOfRange(content, 0, 12_000), "0-11999");
        assertEquals(202, r.statusCode());
        String digest = Blobs.sha256(content);
        r = http.send(http.request(header(r, "Location") + "?digest=" + query(digest), alice)
                .header("Content-Range", "12000-19999").header("Content-Type", "application/octet-stream")
                .PUT(bytes(Arrays.copyOfRange(content, 12_000, 20_000))).build());
        assertEquals(201, r.statusCode(), r.body());
        assertArrayEquals(content, pull("alice/app", digest));
    }

    @Test
    void sha512DigestsWork() {
        byte[] content = Blobs.random(3000, 16);
        String digest = Blobs.sha512(content);
        var r = http.send(http.request("/v2/alice/app/blobs/uploads/?digest=" + query(digest), alice).POST(bytes(content)).build());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(digest, header(r, "Docker-Content-Digest"));
        assertArrayEquals(content, pull("alice/app", digest));

        byte[] chunked = Blobs.random(3000, 17);
        String location = Blobs.start(http, "alice/app", alice);
        assertEquals(202, patch(location, Arrays.copyOfRange(chunked, 0, 1000), "0-999").statusCode());
        r = put(location, Blobs.sha512(chunked), bytes(Arrays.copyOfRange(chunked, 1000, 3000)));
        assertEquals(201, r.statusCode(), r.body());
        assertArrayEquals(chunked, pull("alice/app", Blobs.sha512(chunked)));
    }

    @Test
    void digestMismatchDiscardsTheUpload() {
        String location = Blobs.start(http, "alice/app", alice);
        var r = put(location, Blobs.sha256(new byte[]{1}), bytes(new byte[]{2}));
        assertEquals(400, r.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(r));
        assertEquals(404, status(location).statusCode());
        var head = http.send(http.request("/v2/alice/app/blobs/" + Blobs.sha256(new byte[]{2}), alice)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, head.statusCode());
    }

    @Test
    void putNeedsAValidDigest() {
        String location = Blobs.start(http, "alice/app", alice);
        var r = http.send(http.request(location, alice).PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(400, r.statusCode());
        assertEquals("BLOB_UPLOAD_INVALID", errorCode(r));
        r = put(location, "sha256:nothex", HttpRequest.BodyPublishers.noBody());
        assertEquals(400, r.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(r));
        r = http.send(http.request("/v2/alice/app/blobs/uploads/?digest=sha256:short", alice).POST(bytes(new byte[3])).build());
        assertEquals(400, r.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(r));
        assertEquals(204, status(location).statusCode(), "a bad request does not end the session");
    }

    @Test
    void unknownSessionsAre404() {
        String mine = Blobs.start(http, "alice/other", alice);
        String uuid = mine.substring(mine.lastIndexOf('/') + 1);
        for (String id : new String[]{UUID.randomUUID().toString(), "not-a-uuid", uuid.toUpperCase(), "1-1-1-1-1"}) {
            var r = status("/v2/alice/app/blobs/uploads/" + id);
            assertEquals(404, r.statusCode(), id);
            assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(r), id);
        }
        // a session of another repository is unknown here, whatever the method
        var r = status("/v2/alice/app/blobs/uploads/" + uuid);
        assertEquals(404, r.statusCode());
        assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(r));
        assertEquals(404, patch("/v2/alice/app/blobs/uploads/" + uuid, new byte[3], null).statusCode());
        assertEquals(404, put("/v2/alice/app/blobs/uploads/" + uuid, Blobs.sha256(new byte[0]),
                HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(404, http.send(http.request("/v2/alice/app/blobs/uploads/" + uuid, alice).DELETE().build()).statusCode());
        assertEquals(204, status(mine).statusCode());
    }

    @Test
    void deleteCancelsTheSession() {
        String location = Blobs.start(http, "alice/app", alice);
        assertEquals(202, patch(location, new byte[10], null).statusCode());
        var r = http.send(http.request(location, alice).DELETE().build());
        assertEquals(204, r.statusCode(), r.body());
        r = status(location);
        assertEquals(404, r.statusCode());
        assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(r));
        assertEquals(404, http.send(http.request(location, alice).DELETE().build()).statusCode());
        String uuid = location.substring(location.lastIndexOf('/') + 1);
        assertTrue(!java.nio.file.Files.exists(server.services().config().storagePath().resolve("uploads").resolve(uuid)));
    }

    @Test
    void mountLinksABlobTheCallerMayRead() {
        byte[] content = Blobs.random(2048, 18);
        String digest = Blobs.push(http, "alice/base", alice, content);
        String token = http.token("alice", "correct-horse", "repository:alice/mounted:pull,push", "repository:alice/base:pull");
        var r = mount("alice/mounted", digest, "alice/base", token);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/v2/alice/mounted/blobs/" + digest, header(r, "Location"));
        assertEquals(digest, header(r, "Docker-Content-Digest"));
        var get = http.sendBytes(http.request("/v2/alice/mounted/blobs/" + digest, token).GET().build());
        assertEquals(200, get.statusCode());
        assertArrayEquals(content, get.body());
    }

    @Test
    void mountFallsBackToASessionWhenItCannotHappen() {
        byte[] content = Blobs.random(2048, 19);
        String digest = Blobs.push(http, "alice/base", alice, content);
        // bob may push to his own repository but cannot read alice/base (private)
        String bob = http.token("bob", "battery-staple", "repository:bob/app:pull,push", "repository:alice/base:pull");
        var r = mount("bob/app", digest, "alice/base", bob);
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(header(r, "Location").startsWith("/v2/bob/app/blobs/uploads/"));
        assertEquals(404, http.send(http.request("/v2/bob/app/blobs/" + digest, bob).GET().build()).statusCode());

        // no `from`: the blob being in storage is not enough
        assertEquals(202, mount("alice/app", digest, null, alice).statusCode());
        // a `from` that does not have it, and nonsense arguments
        assertEquals(202, mount("alice/app", digest, "alice/other", alice).statusCode());
        assertEquals(202, mount("alice/app", "bogus", "NOT A NAME", alice).statusCode());
        assertEquals(404, http.send(http.request("/v2/alice/app/blobs/" + digest, alice).GET().build()).statusCode());
    }

    @Test
    void uploadsNeedPush() {
        var r = http.send(http.request("/v2/alice/app/blobs/uploads/", null).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(401, r.statusCode());
        assertTrue(header(r, "WWW-Authenticate").contains("scope=\"repository:alice/app:pull,push\""));
        String location = Blobs.start(http, "alice/app", alice);
        String bob = http.token("bob", "battery-staple", "repository:alice/app:pull,push");
        r = http.send(http.request(location, bob).method("PATCH", bytes(new byte[100])).build());
        assertEquals(401, r.statusCode());
        // the unread body did not break the connection for the next request
        assertEquals(204, status(location).statusCode());
    }

    @Test
    void layerLargerThanTheLimitIs413AndCancelsTheSession() {
        String location = Blobs.start(http, "alice/app", alice);
        assertEquals(202, patch(location, new byte[1000], null).statusCode());
        var r = http.send(http.request(location, alice).version(HttpClient.Version.HTTP_1_1).expectContinue(true)
                .method("PATCH", bytes(new byte[LIMIT])).build());
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("SIZE_INVALID", errorCode(r));
        assertEquals(404, status(location).statusCode());
    }

    @Test
    void streamedLayerLargerThanTheLimitIs413() {
        for (var version : HttpClient.Version.values()) {
            String location = Blobs.start(http, "alice/app", alice);
            var r = http.send(http.request(location, alice).version(version)
                    .method("PATCH", streamed(new byte[LIMIT + 100_000])).build());
            assertEquals(413, r.statusCode(), r.body());
            assertEquals(404, status(location).statusCode());
        }
        assertEquals(202, http.send(http.request("/v2/alice/app/blobs/uploads/", alice)
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    }

    @Test
    void aSecondWriterWhileOneIsStreamingGets416() throws Exception {
        byte[] content = Blobs.random(64_000, 20);
        String location = Blobs.start(http, "alice/app", alice);
        var subscribed = new CompletableFuture<Void>();
        var body = new SubmissionPublisher<ByteBuffer>();
        Flow.Publisher<ByteBuffer> watched = subscriber -> {
            body.subscribe(subscriber);
            subscribed.complete(null);
        };
        // the client sends the body only after 100 Continue, which Berth sends once it holds the upload
        var first = http.request(location, alice).version(HttpClient.Version.HTTP_1_1).expectContinue(true)
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(watched, 32_000)).build();
        var firstResponse = HttpClient.newHttpClient().sendAsync(first, HttpResponse.BodyHandlers.ofString());
        subscribed.get(30, TimeUnit.SECONDS);
        body.submit(ByteBuffer.wrap(content, 0, 16_000));

        var second = patch(location, Arrays.copyOfRange(content, 0, 32_000), "0-31999");
        assertEquals(416, second.statusCode(), second.body());
        assertEquals("0-0", header(second, "Range"));

        body.submit(ByteBuffer.wrap(content, 16_000, 16_000));
        body.close();
        var r = firstResponse.get(30, TimeUnit.SECONDS);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("0-31999", header(r, "Range"));
        assertEquals(202, patch(location, Arrays.copyOfRange(content, 32_000, 64_000), "32000-63999").statusCode());
        assertEquals(201, put(location, Blobs.sha256(content), HttpRequest.BodyPublishers.noBody()).statusCode());
        assertArrayEquals(content, pull("alice/app", Blobs.sha256(content)));
    }
}
