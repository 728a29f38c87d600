package io.berth.registry.clients;

import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** skopeo copies an OCI image layout into Berth and back out again, byte for byte. */
class SkopeoClientIT {
    static TestServer server;
    static Cli alice;
    static String registry;

    @BeforeAll
    static void start() {
        Clients.requireTool("skopeo");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        registry = server.hostPort();
        alice = Cli.withFreshHome("skopeo-alice");
        alice.runWithInput("alice-password", "skopeo", "login", "--tls-verify=false", "-u", "alice", "--password-stdin",
                registry).ok();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void ociLayoutToBerthAndBackKeepsDigests() {
        Path work = Clients.tempDir("skopeo-it");
        Path source = work.resolve("source");
        String sourceDigest = writeOciLayout(source, Clients.busyboxRootfsTar(work));
        String remote = "docker://" + registry + "/alice/skopeo:1";

        alice.run("skopeo", "copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source + ":v1", remote).ok();
        String inspected = alice.run("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", remote).ok()
                .out().trim();
        assertEquals(sourceDigest, inspected);

        Path back = work.resolve("back");
        alice.run("skopeo", "copy", "--preserve-digests", "--src-tls-verify=false", remote, "oci:" + back + ":v1").ok();
        JsonObject index = new JsonObject(Clients.read(back.resolve("index.json")));
        assertEquals(sourceDigest, index.getJsonArray("manifests").getJsonObject(0).getString("digest"));
        // every blob the manifest names came back with the same bytes
        JsonObject manifest = new JsonObject(Clients.read(blob(back, sourceDigest)));
        JsonArray layers = manifest.getJsonArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            String digest = layers.getJsonObject(i).getString("digest");
            assertArrayEquals(bytes(blob(source, digest)), bytes(blob(back, digest)), digest);
        }
        String config = manifest.getJsonObject("config").getString("digest");
        assertArrayEquals(bytes(blob(source, config)), bytes(blob(back, config)));
    }

    /**
     * Writes a one-layer OCI image layout (gzip layer of the rootfs, config, manifest, index tagged {@code v1}) and
     * returns the manifest digest. Written by hand so this test needs only skopeo.
     */
    static String writeOciLayout(Path dir, Path rootfsTar) {
        try {
            Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

            Path tmp = dir.resolve("layer.tmp");
            MessageDigest uncompressed = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(new GZIPOutputStream(Files.newOutputStream(tmp)), uncompressed)) {
                Files.copy(rootfsTar, out);
            }
            String diffId = "sha256:" + HexFormat.of().formatHex(uncompressed.digest());
            String layer = store(blobs, Files.readAllBytes(tmp));
            long layerSize = Files.size(tmp);
            Files.delete(tmp);

            byte[] config = new JsonObject()
                    .put("architecture", "amd64").put("os", "linux")
                    .put("config", new JsonObject().put("Cmd", new JsonArray().add("/bin/sh")))
                    .put("rootfs", new JsonObject().put("type", "layers").put("diff_ids", new JsonArray().add(diffId)))
                    .encode().getBytes(StandardCharsets.UTF_8);
            byte[] manifest = new JsonObject()
                    .put("schemaVersion", 2)
                    .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                    .put("config", descriptor("application/vnd.oci.image.config.v1+json", store(blobs, config), config.length))
                    .put("layers", new JsonArray().add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer, layerSize)))
                    .encode().getBytes(StandardCharsets.UTF_8);
            String manifestDigest = store(blobs, manifest);
            JsonObject entry = descriptor("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifest.length)
                    .put("annotations", new JsonObject().put("org.opencontainers.image.ref.name", "v1"));
            Files.writeString(dir.resolve("index.json"), new JsonObject().put("schemaVersion", 2)
                    .put("manifests", new JsonArray().add(entry)).encode());
            return manifestDigest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject descriptor(String mediaType, String digest, long size) {
        return new JsonObject().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String store(Path blobs, byte[] content) throws IOException, NoSuchAlgorithmException {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blobs.resolve(hex), content);
        return "sha256:" + hex;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
