package io.berth.model.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns pushed manifest bytes into a validated {@link ParsedManifest}; every rejection is a MANIFEST_INVALID. */
public final class ManifestParser {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private ManifestParser() {}

    /**
     * @param contentType the request's Content-Type (parameters ignored); may be null, in which case the
     *                    body's own {@code mediaType} decides
     */
    public static ParsedManifest parse(byte[] bytes, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalid("manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("manifest could not be read");
        }
        if (root == null || !root.isObject()) throw invalid("manifest must be a JSON object");

        String declared = text(root, "mediaType");
        String type = contentType == null ? null : contentType.split(";", 2)[0].trim();
        if (type == null || type.isEmpty() || type.equals("application/json")) type = declared;
        if (type == null) type = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        if (type.equals(MediaTypes.DOCKER_SCHEMA1) || type.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)) {
            throw new BerthException(ErrorCode.MANIFEST_UNSUPPORTED, "Docker schema 1 manifests are not supported",
                    Map.of("message", "manifest schema version not supported"));
        }
        if (!MediaTypes.MANIFESTS.contains(type)) {
            throw new BerthException(ErrorCode.MANIFEST_UNSUPPORTED, "manifest media type not supported: " + type,
                    Map.of("message", "manifest schema version not supported"));
        }
        if (declared != null && !declared.equals(type)) {
            throw invalid("mediaType " + declared + " does not match Content-Type " + type);
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 2) throw invalid("schemaVersion must be 2");

        Descriptor subject = root.has("subject") ? descriptor(root.get("subject"), "subject") : null;
        Map<String, String> annotations = annotations(root.get("annotations"));
        String artifactType = text(root, "artifactType");
        if (MediaTypes.isIndex(type)) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) throw invalid("an index needs a manifests array");
            return new ParsedManifest(type, 2, null, List.of(), descriptors(manifests, "manifests"), subject,
                    artifactType, annotations);
        }
        if (!root.has("config")) throw invalid("an image manifest needs a config descriptor");
        Descriptor config = descriptor(root.get("config"), "config");
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) throw invalid("an image manifest needs a layers array");
        // distribution-spec 1.1 (referrers): without artifactType, an OCI image manifest's type is its config's media
        // type, even when that is the empty descriptor's type
        if (artifactType == null && type.equals(MediaTypes.OCI_MANIFEST)) {
            artifactType = config.mediaType();
        }
        return new ParsedManifest(type, 2, config, descriptors(layers, "layers"), List.of(), subject,
                artifactType, annotations);
    }

    private static List<Descriptor> descriptors(JsonNode array, String field) {
        var out = new ArrayList<Descriptor>(array.size());
        for (int i = 0; i < array.size(); i++) out.add(descriptor(array.get(i), field + "[" + i + "]"));
        return List.copyOf(out);
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) throw invalid(where + " must be a descriptor object");
        String mediaType = text(node, "mediaType");
        if (mediaType == null) throw invalid(where + ".mediaType is required");
        String digestText = text(node, "digest");
        if (digestText == null) throw invalid(where + ".digest is required");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (BerthException e) {
            throw invalid(where + ".digest is invalid: " + digestText);
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        Descriptor.Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject()) platform = new Descriptor.Platform(text(p, "architecture"), text(p, "os"), text(p, "variant"));
        return new Descriptor(mediaType, digest, size.longValue(), text(node, "artifactType"),
                annotations(node.get("annotations")), platform);
    }

    private static Map<String, String> annotations(JsonNode node) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) throw invalid("annotations must be an object of strings");
        var out = new LinkedHashMap<String, String>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw invalid("annotation " + e.getKey() + " must be a string");
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw invalid(field + " must be a string");
        return v.textValue();
    }

    private static BerthException invalid(String message) {
        return new BerthException(ErrorCode.MANIFEST_INVALID, message, Map.of("message", message));
    }
}
