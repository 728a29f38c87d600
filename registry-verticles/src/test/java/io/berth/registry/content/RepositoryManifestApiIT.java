package io.berth.registry.content;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Images.Image;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.*;

/** Quay's manifest view and manifest labels: from the image config at push, and through the API. */
class RepositoryManifestApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String registry;
    static String alice;
    static Image image;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false,
                "LABEL_KEY_RESERVED_PREFIXES", List.of("com.example.")));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        alice = server.oauthToken("alice", Set.of("repo:read", "repo:write"));
        registry = http.token("alice", "alice-password", "repository:alice/app:pull,push");
        image = Images.image(Map.of("maintainer", "alice", "build", "{\"ci\": true}", "org.opencontainers.image.title", "app"),
                "base layer".getBytes(StandardCharsets.UTF_8), "app layer".getBytes(StandardCharsets.UTF_8));
        Images.push(http, "alice/app", registry, "v1", image);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String path(String rest) {
        return "/repository/alice/app/manifest/" + image.digest() + rest;
    }

    @Test
    void theManifestViewShowsLayersWithTheirBuildSteps() {
        var r = http.api("GET", path(""), alice, null);
        assertEquals(200, r.statusCode(), r.body());
        var view = json(r);
        assertEquals(image.digest(), view.getString("digest"));
        assertFalse(view.getBoolean("is_manifest_list"));
        assertEquals(new String(image.manifest(), StandardCharsets.UTF_8), view.getString("manifest_data"));
        assertEquals("application/vnd.oci.image.config.v1+json", view.getString("config_media_type"));
        assertEquals("base layer".length() + "app layer".length(), view.getLong("layers_compressed_size"));
        var layers = view.getJsonArray("layers");
        assertEquals(2, layers.size());
        var second = layers.getJsonObject(1);
        assertEquals(1, second.getInteger("index"));
        assertEquals("app layer".length(), second.getLong("compressed_size"));
        assertEquals(image.layerDigests().get(1), second.getString("blob_digest"));
        // the ENV step between them made no layer and is skipped
        assertEquals(new JsonArray().add("/bin/sh -c step 1"), second.getJsonArray("command"));
        assertEquals("Tue, 05 Mar 2024 10:00:01 -0000", second.getString("created_datetime"));
        assertFalse(second.getBoolean("is_remote"));

        assertEquals(404, http.api("GET", "/repository/alice/app/manifest/sha256:" + "0".repeat(64), alice, null).statusCode());
        assertEquals(403, http.api("GET", path(""), server.oauthToken("bob", Set.of("repo:read")), null).statusCode());
    }

    @Test
    void anIndexHasNoLayers() {
        byte[] index = Fixtures.bytes(Fixtures.index("application/vnd.oci.image.index.v1+json",
                Fixtures.platformDescriptor("application/vnd.oci.image.manifest.v1+json", image.manifest(), "linux", "amd64")));
        var put = new ManifestClient(http).put(registry, "alice/app", "index", "application/vnd.oci.image.index.v1+json", index);
        assertEquals(201, put.statusCode(), put.body());
        var view = json(http.api("GET", "/repository/alice/app/manifest/" + put.headers().firstValue("Docker-Content-Digest").orElseThrow(), alice, null));
        assertTrue(view.getBoolean("is_manifest_list"));
        assertNull(view.getValue("layers"));
        assertNull(view.getValue("config_media_type"));
    }

    @Test
    void labelsComeFromTheImageConfigAndTheApi() {
        var labels = json(http.api("GET", path("/labels"), alice, null)).getJsonArray("labels");
        var byKey = new JsonObject();
        labels.forEach(l -> byKey.put(((JsonObject) l).getString("key"), l));
        assertEquals(3, labels.size());
        assertEquals("manifest", byKey.getJsonObject("maintainer").getString("source_type"));
        assertEquals("text/plain", byKey.getJsonObject("maintainer").getString("media_type"));
        assertEquals("application/json", byKey.getJsonObject("build").getString("media_type"));

        var added = http.api("POST", path("/labels"), alice, new JsonObject().put("key", "team").put("value", "infra")
                .putNull("media_type"));
        assertEquals(201, added.statusCode(), added.body());
        var label = json(added).getJsonObject("label");
        assertEquals("api", label.getString("source_type"));
        assertEquals("text/plain", label.getString("media_type"));
        String location = added.headers().firstValue("Location").orElseThrow();
        assertEquals("/api/v1" + path("/labels/" + label.getString("id")), location);
        assertEquals(label, json(http.api("GET", path("/labels/" + label.getString("id")), alice, null)));
        assertEquals(List.of("team"), json(http.api("GET", path("/labels?filter=te"), alice, null)).getJsonArray("labels").stream()
                .map(l -> ((JsonObject) l).getString("key")).toList());

        // Quay's key rules, reserved prefixes (defaults and configured) and media types
        for (String key : List.of("quay.expires-after", "io.k8s.thing", "com.example.owner")) {
            assertMessage(400, "Label has a reserved prefix",
                    http.api("POST", path("/labels"), alice, label(key, "text/plain")));
        }
        for (String key : List.of("Team", "a..b", "-a", "a-", "x".repeat(256))) {
            var r = http.api("POST", path("/labels"), alice, label(key, "text/plain"));
            assertEquals(400, r.statusCode(), key);
            assertTrue(json(r).getString("message").startsWith("Label is of an invalid format"), r.body());
        }
        assertMessage(400, "Media type is invalid please use a valid media type: text/plain, application/json",
                http.api("POST", path("/labels"), alice, label("ok", "text/html")));
        assertMessage(400, "'media_type' is a required property",
                http.api("POST", path("/labels"), alice, new JsonObject().put("key", "ok").put("value", "v")));

        // labels of the image config are immutable; API labels can be deleted
        assertMessage(400, "Cannot delete immutable label", http.api("DELETE", path("/labels/"
                + byKey.getJsonObject("maintainer").getString("id")), alice, null));
        assertEquals(204, http.api("DELETE", path("/labels/" + label.getString("id")), alice, null).statusCode());
        assertEquals(404, http.api("GET", path("/labels/" + label.getString("id")), alice, null).statusCode());
        assertEquals(404, http.api("DELETE", path("/labels/not-a-uuid"), alice, null).statusCode());
        assertEquals(403, http.api("POST", path("/labels"), server.oauthToken("alice", Set.of("repo:read")),
                label("ok", "text/plain")).statusCode());

        fixtures.flushUsageLog();
        var logged = fixtures.query("""
                SELECT kind, metadata FROM usage_log WHERE kind LIKE 'manifest_label_%' ORDER BY id""", Tuple.tuple());
        assertEquals(List.of("manifest_label_add", "manifest_label_delete"), logged.stream().map(r -> r.getString(0)).toList());
        var meta = logged.get(0).getJsonObject(1);
        assertEquals("team", meta.getString("key"));
        assertEquals(image.digest(), meta.getString("manifest_digest"));
        assertEquals(label.getString("id"), meta.getString("id"));
    }

    static JsonObject label(String key, String mediaType) {
        return new JsonObject().put("key", key).put("value", "v").put("media_type", mediaType);
    }

    static void assertMessage(int status, String message, java.net.http.HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(message, json(r).getString("message"));
    }
}
