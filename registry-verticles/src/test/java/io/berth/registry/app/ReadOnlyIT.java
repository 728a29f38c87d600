package io.berth.registry.app;

import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code REGISTRY_STATE: readonly}: reads work, every write is refused with Quay's read-only answer. */
class ReadOnlyIT {
    static TestServer server;
    static RegistryHttp http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("REGISTRY_STATE", "readonly"));
        server.createUser("alice", "alice-password");
        http = new RegistryHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pushesAreRefusedOnV2() {
        String token = http.token("alice", "alice-password", "repository:alice/app:pull,push");
        var r = http.send(http.request("/v2/alice/app/blobs/uploads/", token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(405, r.statusCode(), r.body());
        var body = new JsonObject(r.body());
        assertTrue(body.getBoolean("is_readonly"));
        assertEquals("DENIED", body.getJsonArray("errors").getJsonObject(0).getString("code"));

        var manifest = http.send(http.request("/v2/alice/app/manifests/latest", token)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(405, manifest.statusCode(), manifest.body());
    }

    @Test
    void readsStillWork() {
        String token = http.token("alice", "alice-password", "repository:alice/app:pull");
        var base = http.send(http.request("/v2/", token).build());
        assertEquals(200, base.statusCode());
        var catalog = http.send(http.request("/v2/_catalog", token).build());
        assertEquals(200, catalog.statusCode());
    }

    @Test
    void apiWritesAnswer503() {
        var r = http.send(http.request("/api/v1/user/", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "bob")
                        .put("password", "bob-password").put("email", "bob@example.com").encode())).build());
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(new JsonObject(r.body()).getBoolean("is_readonly"));
    }
}
