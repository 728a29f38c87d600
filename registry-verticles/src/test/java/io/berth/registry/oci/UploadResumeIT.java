package io.berth.registry.oci;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upload state lives in PostgreSQL and storage, not in a node's memory: an upload started on one node is finished by
 * the next one on the same database and storage (a restart, or another node behind the load balancer), which hashes
 * the bytes from storage since it has no running hash.
 */
class UploadResumeIT {

    @Test
    void anUploadStartedBeforeARestartFinishesAfterIt() {
        byte[] content = Blobs.random(300_000, 30);
        String digest = Blobs.sha256(content);
        String sha512 = Blobs.sha512(content);
        String location;
        String other;
        TestServer first = TestServer.start();
        try {
            first.createUser("alice", "correct-horse");
            var http = new RegistryHttp(first);
            String token = http.token("alice", "correct-horse", "repository:alice/app:pull,push");
            location = Blobs.start(http, "alice/app", token);
            var r = http.send(http.request(location, token)
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 0, 100_000)))
                    .header("Content-Range", "0-99999").build());
            assertEquals(202, r.statusCode(), r.body());
            other = Blobs.start(http, "alice/app", token);
            r = http.send(http.request(other, token)
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 0, 200_000))).build());
            assertEquals(202, r.statusCode(), r.body());
        } finally {
            first.close();
        }

        try (TestServer second = TestServer.startSharing(first, Map.of())) {
            var http = new RegistryHttp(second);
            String token = http.token("alice", "correct-horse", "repository:alice/app:pull,push");
            var status = http.send(http.request(location, token).GET().build());
            assertEquals(204, status.statusCode());
            assertEquals("0-99999", status.headers().firstValue("Range").orElseThrow());

            var r = http.send(http.request(location, token)
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 100_000, 200_000)))
                    .header("Content-Range", "100000-199999").build());
            assertEquals(202, r.statusCode(), r.body());
            r = http.send(http.request(location + "?digest=" + Blobs.query(digest), token)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 200_000, 300_000))).build());
            assertEquals(201, r.statusCode(), r.body());
            var blob = http.sendBytes(http.request("/v2/alice/app/blobs/" + digest, token).GET().build());
            assertEquals(200, blob.statusCode());
            assertArrayEquals(content, blob.body());

            // the second session finishes with a sha512 digest and a final chunk
            r = http.send(http.request(other + "?digest=" + Blobs.query(sha512), token)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 200_000, 300_000))).build());
            assertEquals(201, r.statusCode(), r.body());
            assertArrayEquals(content, http.sendBytes(http.request("/v2/alice/app/blobs/" + sha512, token).GET().build()).body());
        }
    }
}
