package io.berth.model.oci;

import java.util.List;
import java.util.Map;

/**
 * A validated manifest or index: what it is and which content it references.
 *
 * @param blobs     config and layer digests an image manifest needs in the repository (empty for an index)
 * @param manifests child manifests an index needs in the repository (empty for an image manifest)
 * @param artifactType the OCI artifact type: {@code artifactType}, else the config media type of an image manifest
 */
public record ParsedManifest(String mediaType, int schemaVersion, Descriptor config, List<Descriptor> layers,
                             List<Descriptor> manifests, Descriptor subject, String artifactType,
                             Map<String, String> annotations) {
    public boolean isIndex() { return MediaTypes.isIndex(mediaType); }

    /** Config and layer digests, each once, without foreign (non-distributable) layers, which are never uploaded. */
    public List<Digest> blobs() {
        if (isIndex()) return List.of();
        var all = new java.util.LinkedHashSet<Digest>();
        all.add(config.digest());
        layers.forEach(l -> {
            if (!MediaTypes.isForeignLayer(l.mediaType())) all.add(l.digest());
        });
        return List.copyOf(all);
    }

    /** The digests of the child manifests of an index, each once. */
    public List<Digest> children() {
        return manifests.stream().map(Descriptor::digest).distinct().toList();
    }
}
