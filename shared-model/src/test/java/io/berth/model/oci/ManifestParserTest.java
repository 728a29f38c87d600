package io.berth.model.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ManifestParserTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);

    static ParsedManifest parse(String json, String contentType) {
        return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static String descriptor(String mediaType, String digest) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":10}";
    }

    @Test
    void ociIndexMayListDockerManifests() {
        var parsed = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + descriptor(MediaTypes.DOCKER_MANIFEST, A) + "," + descriptor(MediaTypes.OCI_MANIFEST, B) + ","
                + descriptor(MediaTypes.DOCKER_MANIFEST, A) + "]}", MediaTypes.OCI_INDEX);
        assertTrue(parsed.isIndex());
        assertEquals(List.of(Digest.parse(A), Digest.parse(B)), parsed.children());
        assertEquals(List.of(), parsed.blobs());
    }

    @Test
    void emptyConfigArtifactTakesTheConfigTypeWithoutArtifactType() {
        var parsed = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(MediaTypes.OCI_EMPTY, A) + ",\"layers\":[]}", MediaTypes.OCI_MANIFEST);
        assertEquals(MediaTypes.OCI_EMPTY, parsed.artifactType());
        var typed = parse("{\"schemaVersion\":2,\"artifactType\":\"application/x-sbom\",\"config\":"
                + descriptor(MediaTypes.OCI_EMPTY, A) + ",\"layers\":[]}", MediaTypes.OCI_MANIFEST);
        assertEquals("application/x-sbom", typed.artifactType());
    }

    @Test
    void blobsAreDistinctAndSkipForeignLayers() {
        var parsed = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":"
                + descriptor("application/vnd.docker.container.image.v1+json", A) + ",\"layers\":["
                + descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", C) + ","
                + descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", B) + ","
                + descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", B) + "]}", MediaTypes.DOCKER_MANIFEST);
        assertEquals(List.of(Digest.parse(A), Digest.parse(B)), parsed.blobs());
        assertNull(parsed.artifactType(), "Docker images have no artifact type");
    }

    @Test
    void rejections() {
        assertEquals(ErrorCode.MANIFEST_UNSUPPORTED, assertThrows(BerthException.class,
                () -> parse("{\"schemaVersion\":1}", MediaTypes.DOCKER_SCHEMA1_SIGNED)).code());
        assertEquals(ErrorCode.MANIFEST_UNSUPPORTED, assertThrows(BerthException.class,
                () -> parse("{\"schemaVersion\":2}", "text/plain")).code());
        assertEquals(ErrorCode.MANIFEST_INVALID, assertThrows(BerthException.class,
                () -> parse("{\"schemaVersion\":2,", MediaTypes.OCI_MANIFEST)).code());
        assertEquals(ErrorCode.MANIFEST_INVALID, assertThrows(BerthException.class,
                () -> parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}",
                        MediaTypes.OCI_MANIFEST)).code());
        assertEquals(ErrorCode.MANIFEST_INVALID, assertThrows(BerthException.class,
                () -> parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1},\"layers\":[]}",
                        MediaTypes.OCI_MANIFEST)).code());
    }
}
