package io.berth.model.oci;

import java.util.Map;

/** A content descriptor as it appears in manifests and indexes. */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
                         Map<String, String> annotations, Platform platform) {
    public record Platform(String architecture, String os, String variant) {}
}
