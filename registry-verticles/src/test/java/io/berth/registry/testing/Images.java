package io.berth.registry.testing;

import io.berth.model.oci.MediaTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whole images pushed and pulled through /v2 as a client does: the blobs (config and layers, with real bytes in
 * storage), then the manifest; and pulled back with every digest verified.
 */
public final class Images {
    private Images() {}

    /** An OCI image: its manifest bytes and digest, its config and layer blobs. */
    public record Image(byte[] manifest, String digest, byte[] config, List<byte[]> layers) {
        public String configDigest() { return Blobs.sha256(config); }

        public List<String> layerDigests() { return layers.stream().map(Blobs::sha256).toList(); }
    }

    /** An image with a layer of each content; the config carries the labels and one history step per layer. */
    public static Image image(Map<String, String> labels, byte[]... layers) {
        var history = new JsonArray();
        var diffIds = new JsonArray();
        for (int i = 0; i < layers.length; i++) {
            history.add(new JsonObject().put("created", "2024-03-05T10:00:0" + (i % 10) + "Z")
                    .put("created_by", "/bin/sh -c step " + i));
            history.add(new JsonObject().put("created_by", "/bin/sh -c #(nop) ENV N=" + i).put("empty_layer", true));
            diffIds.add(Blobs.sha256(layers[i]));
        }
        byte[] config = new JsonObject().put("architecture", "amd64").put("os", "linux")
                .put("config", new JsonObject().put("Labels", new JsonObject(Map.copyOf(labels))))
                .put("rootfs", new JsonObject().put("type", "layers").put("diff_ids", diffIds))
                .put("history", history)
                .encode().getBytes(StandardCharsets.UTF_8);
        var layerDescriptors = new JsonArray();
        for (byte[] layer : layers) {
            layerDescriptors.add(Fixtures.descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer));
        }
        byte[] manifest = Fixtures.bytes(new JsonObject().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST)
                .put("config", Fixtures.descriptor(MediaTypes.OCI_IMAGE_CONFIG, config)).put("layers", layerDescriptors));
        return new Image(manifest, Blobs.sha256(manifest), config, List.of(layers));
    }

    /** Pushes the image's blobs that the repository lacks, then its manifest by {@code reference}; asserts a 201. */
    public static void push(RegistryHttp http, String repository, String token, String reference, Image image) {
        var all = new ArrayList<byte[]>(image.layers());
        all.add(image.config());
        for (byte[] blob : all) {
            var head = http.send(http.request("/v2/" + repository + "/blobs/" + Blobs.sha256(blob), token)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            if (head.statusCode() != 200) Blobs.push(http, repository, token, blob);
        }
        var put = new ManifestClient(http).put(token, repository, reference, MediaTypes.OCI_MANIFEST, image.manifest());
        assertEquals(201, put.statusCode(), put.body());
    }

    /**
     * A one-layer image pushed into {@code repository} (of {@code user}, password user + "-password") as {@code tags[0]},
     * then the other tags pointed at it, one after another, through the tag API as Quay's UI does.
     */
    public static Image pushTagged(TestServer server, String user, String repository, List<String> tags) {
        var http = new RegistryHttp(server);
        String token = http.token(user, user + "-password", "repository:" + repository + ":pull,push");
        var image = image(Map.of(), "one layer".getBytes(StandardCharsets.UTF_8));
        push(http, repository, token, tags.getFirst(), image);
        String api = server.oauthToken(user);
        for (String tag : tags.subList(1, tags.size())) {
            RegistryHttp.ok(http.api("PUT", "/repository/" + repository + "/tag/" + tag, api,
                    new JsonObject().put("manifest_digest", image.digest())));
        }
        return image;
    }

    /** An OCI image index: its bytes and digest, and the images it lists. */
    public record Index(byte[] manifest, String digest, List<Image> children) {}

    /** An OCI index of the images, each listed as linux on the architecture given in the same order. */
    public static Index index(List<Image> children, List<String> architectures) {
        var descriptors = new JsonObject[children.size()];
        for (int i = 0; i < descriptors.length; i++) {
            descriptors[i] = Fixtures.platformDescriptor(MediaTypes.OCI_MANIFEST, children.get(i).manifest(), "linux",
                    architectures.get(i));
        }
        byte[] manifest = Fixtures.bytes(Fixtures.index(MediaTypes.OCI_INDEX, descriptors));
        return new Index(manifest, Blobs.sha256(manifest), List.copyOf(children));
    }

    /**
     * Pushes a multi-arch image as buildx does: each child image by digest (those the repository has are pushed again,
     * which a client does too), then the index by {@code reference}; asserts a 201.
     */
    public static void pushIndex(RegistryHttp http, String repository, String token, String reference, Index index) {
        for (Image child : index.children()) push(http, repository, token, child.digest(), child);
        var put = new ManifestClient(http).put(token, repository, reference, MediaTypes.OCI_INDEX, index.manifest());
        assertEquals(201, put.statusCode(), put.body());
    }

    /** Pulls {@code reference} and every blob of the image, asserting the bytes and their digests. */
    public static void assertPulls(RegistryHttp http, String repository, String token, String reference, Image image) {
        var manifest = new ManifestClient(http).get(token, repository, reference, MediaTypes.OCI_MANIFEST);
        assertEquals(200, manifest.statusCode(), () -> repository + ":" + reference + " " + new String(manifest.body()));
        assertArrayEquals(image.manifest(), manifest.body());
        var all = new ArrayList<byte[]>(image.layers());
        all.add(image.config());
        for (byte[] blob : all) {
            String digest = Blobs.sha256(blob);
            var got = http.sendBytes(http.request("/v2/" + repository + "/blobs/" + digest, token).GET().build());
            assertEquals(200, got.statusCode(), () -> repository + " blob " + digest);
            assertEquals(digest, Blobs.sha256(got.body()));
        }
    }
}
