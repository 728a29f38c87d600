package io.berth.model.oci;

import java.util.Set;

public final class MediaTypes {
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";

    /** Manifest types a PUT may carry. */
    public static final Set<String> MANIFESTS = Set.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX);
    public static final Set<String> INDEXES = Set.of(DOCKER_MANIFEST_LIST, OCI_INDEX);

    private MediaTypes() {}

    public static boolean isIndex(String mediaType) { return INDEXES.contains(mediaType); }

    /** Config types of container images, whose labels and history {@link ImageConfig} reads. */
    public static boolean isImageConfig(String mediaType) {
        return DOCKER_IMAGE_CONFIG.equals(mediaType) || OCI_IMAGE_CONFIG.equals(mediaType);
    }

    /**
     * Layers that clients do not upload (Windows base layers and other non-distributable content, fetched from their
     * {@code urls}); a registry cannot require them in the repository.
     */
    public static boolean isForeignLayer(String mediaType) {
        return mediaType != null && (mediaType.equals("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
                || mediaType.startsWith("application/vnd.oci.image.layer.nondistributable."));
    }
}
