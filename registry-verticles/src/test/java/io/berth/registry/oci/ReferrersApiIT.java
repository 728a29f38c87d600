package io.berth.registry.oci;

import io.berth.model.oci.Digester;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.berth.model.oci.MediaTypes.*;
import static io.berth.registry.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** The referrers API of distribution-spec 1.1, and the OCI-Subject header on push. */
class ReferrersApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static ManifestClient manifests;
    static String token;
    static long repo;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        manifests = new ManifestClient(http);
        var owned = fixtures.ownedRepository("alice", "correct-horse", "signed");
        repo = owned.id();
        token = owned.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> put(String reference, byte[] body) {
        return manifests.put(token, "alice/signed", reference, OCI_MANIFEST, body);
    }

    static HttpResponse<String> referrers(String subject, String query) {
        return http.send(http.request("/v2/alice/signed/referrers/" + subject + query, token).build());
    }

    /** An artifact about {@code subject}: empty config, one layer, optional annotations. */
    static byte[] artifact(String artifactType, JsonObject subject, String payload, Map<String, Object> annotations) {
        var manifest = image(OCI_MANIFEST, fixtures.blob(repo, OCI_EMPTY, "{}"),
                fixtures.blob(repo, "application/octet-stream", payload))
                .put("subject", subject);
        if (artifactType != null) manifest.put("artifactType", artifactType);
        if (!annotations.isEmpty()) manifest.put("annotations", new JsonObject(annotations));
        return bytes(manifest);
    }

    @Test
    void referrersAreListedAndFiltered() {
        byte[] image = bytes(image(OCI_MANIFEST, fixtures.blob(repo, "application/vnd.oci.image.config.v1+json", "{\"img\":1}"),
                fixtures.blob(repo, "application/vnd.oci.image.layer.v1.tar", "rootfs")));
        assertEquals(201, put("v1", image).statusCode());
        String subjectDigest = Digester.sha256(image).toString();
        JsonObject subject = descriptor(OCI_MANIFEST, image);

        byte[] signature = artifact("application/vnd.dev.cosign.artifact.sig.v1+json", subject, "sig",
                Map.of("dev.sigstore.cosign/signature", "MEUC"));
        byte[] sbom = artifact("application/spdx+json", subject, "sbom", Map.of());
        // no artifactType: the config media type stands in, per the spec
        byte[] untyped = artifact(null, subject, "untyped", Map.of());
        for (byte[] a : new byte[][]{signature, sbom, untyped}) {
            var r = put(Digester.sha256(a).toString(), a);
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(subjectDigest, r.headers().firstValue("OCI-Subject").orElse(null));
        }
        // an artifact about something else is not listed
        byte[] unrelated = artifact("application/spdx+json", descriptor(OCI_MANIFEST, "other".getBytes()), "other", Map.of());
        assertEquals(201, put(Digester.sha256(unrelated).toString(), unrelated).statusCode());

        var all = referrers(subjectDigest, "");
        assertEquals(200, all.statusCode(), all.body());
        assertEquals(OCI_INDEX, all.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(all.headers().firstValue("OCI-Filters-Applied").isEmpty());
        var index = new JsonObject(all.body());
        assertEquals(2, index.getInteger("schemaVersion"));
        assertEquals(OCI_INDEX, index.getString("mediaType"));
        JsonArray manifests = index.getJsonArray("manifests");
        assertEquals(3, manifests.size());
        for (byte[] a : new byte[][]{signature, sbom, untyped}) {
            String d = Digester.sha256(a).toString();
            JsonObject entry = manifests.stream().map(JsonObject.class::cast)
                    .filter(m -> m.getString("digest").equals(d)).findFirst().orElseThrow();
            assertEquals(OCI_MANIFEST, entry.getString("mediaType"));
            assertEquals(a.length, entry.getLong("size"));
        }
        JsonObject sig = manifests.stream().map(JsonObject.class::cast)
                .filter(m -> m.getString("digest").equals(Digester.sha256(signature).toString())).findFirst().orElseThrow();
        assertEquals("application/vnd.dev.cosign.artifact.sig.v1+json", sig.getString("artifactType"));
        assertEquals("MEUC", sig.getJsonObject("annotations").getString("dev.sigstore.cosign/signature"));
        JsonObject plain = manifests.stream().map(JsonObject.class::cast)
                .filter(m -> m.getString("digest").equals(Digester.sha256(untyped).toString())).findFirst().orElseThrow();
        assertEquals(OCI_EMPTY, plain.getString("artifactType"));

        var filtered = referrers(subjectDigest, "?artifactType=application/spdx%2Bjson");
        assertEquals(200, filtered.statusCode());
        assertEquals("artifactType", filtered.headers().firstValue("OCI-Filters-Applied").orElse(null));
        JsonArray only = new JsonObject(filtered.body()).getJsonArray("manifests");
        assertEquals(1, only.size());
        assertEquals(Digester.sha256(sbom).toString(), only.getJsonObject(0).getString("digest"));
        assertEquals("application/spdx+json", only.getJsonObject(0).getString("artifactType"));
    }

    @Test
    void referrerMayBePushedBeforeItsSubjectAndUnknownSubjectsGiveAnEmptyIndex() {
        byte[] later = "{\"not\":\"pushed yet\"}".getBytes();
        byte[] early = artifact("application/example", descriptor(OCI_MANIFEST, later), "early", Map.of());
        assertEquals(201, put(Digester.sha256(early).toString(), early).statusCode());
        var listed = new JsonObject(referrers(Digester.sha256(later).toString(), "").body()).getJsonArray("manifests");
        assertEquals(1, listed.size());

        var empty = referrers("sha256:" + "0".repeat(64), "");
        assertEquals(200, empty.statusCode());
        assertEquals(new JsonArray(), new JsonObject(empty.body()).getJsonArray("manifests"));

        // a deleted referrer is no longer listed
        assertEquals(202, manifests.delete(token, "alice/signed", Digester.sha256(early).toString()).statusCode());
        assertEquals(0, new JsonObject(referrers(Digester.sha256(later).toString(), "").body())
                .getJsonArray("manifests").size());

        var invalid = referrers("sha256:xyz", "");
        assertEquals(400, invalid.statusCode());
        assertEquals(401, http.send(http.request("/v2/alice/signed/referrers/sha256:" + "0".repeat(64), null).build())
                .statusCode());
    }

    @Test
    void referrersApiCanBeSwitchedOff() {
        try (var off = TestServer.start(Map.of("FEATURE_REFERRERS_API", false))) {
            off.createUser("alice", "correct-horse");
            String t = new RegistryHttp(off).token("alice", "correct-horse", "repository:alice/signed:pull,push");
            new Fixtures(off).repository("alice", "signed", "private");
            var r = new RegistryHttp(off).send(new RegistryHttp(off)
                    .request("/v2/alice/signed/referrers/sha256:" + "0".repeat(64), t).build());
            assertEquals(404, r.statusCode());
        }
    }
}
