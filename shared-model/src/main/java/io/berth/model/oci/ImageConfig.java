package io.berth.model.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a registry reads from a container image's config (Docker or OCI): its labels ({@code config.Labels}) and the
 * build history. Lenient, since clients write configs as they please: unknown or mistyped fields are ignored.
 */
public record ImageConfig(Map<String, String> labels, List<History> history) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One build step; {@code emptyLayer} steps (ENV, CMD, …) produced no layer. */
    public record History(String created, String createdBy, String author, String comment, boolean emptyLayer) {}

    /** The config, or null when the bytes are not a JSON object. */
    public static ImageConfig parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) return null;
        var labels = new LinkedHashMap<String, String>();
        JsonNode config = root.path("config").path("Labels");
        if (config.isObject()) {
            config.properties().forEach(e -> {
                if (e.getValue().isTextual()) labels.put(e.getKey(), e.getValue().textValue());
            });
        }
        var history = new ArrayList<History>();
        for (JsonNode step : root.path("history")) {
            if (!step.isObject()) continue;
            history.add(new History(text(step, "created"), text(step, "created_by"), text(step, "author"),
                    text(step, "comment"), step.path("empty_layer").asBoolean(false)));
        }
        return new ImageConfig(Map.copyOf(labels), List.copyOf(history));
    }

    /** The history steps that produced a layer, in layer order. */
    public List<History> layerHistory() {
        return history.stream().filter(h -> !h.emptyLayer()).toList();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
