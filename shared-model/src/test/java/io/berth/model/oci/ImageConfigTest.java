package io.berth.model.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ImageConfigTest {
    private static ImageConfig parse(String json) {
        return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsLabelsAndTheHistoryOfLayers() {
        var config = parse("""
                {"architecture": "amd64", "config": {"Labels": {"quay.expires-after": "2d", "n": 3, "a": "b"}},
                 "history": [
                   {"created": "2024-03-05T10:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:1 in /"},
                   {"created_by": "/bin/sh -c #(nop)  CMD [\\"sh\\"]", "empty_layer": true},
                   {"created_by": "RUN make", "author": "me", "comment": "buildkit"},
                   "not a step"]}""");
        // non-string label values are not labels
        assertEquals(Map.of("quay.expires-after", "2d", "a", "b"), config.labels());
        assertEquals(3, config.history().size());
        var layers = config.layerHistory();
        assertEquals(2, layers.size());
        assertEquals("2024-03-05T10:00:00Z", layers.get(0).created());
        assertEquals("RUN make", layers.get(1).createdBy());
        assertEquals("me", layers.get(1).author());
        assertEquals("buildkit", layers.get(1).comment());
    }

    @Test
    void toleratesConfigsWithoutLabelsOrHistory() {
        var config = parse("{\"config\": null, \"history\": {}}");
        assertTrue(config.labels().isEmpty());
        assertTrue(config.history().isEmpty());
        assertNull(parse("[1, 2]"));
        assertNull(parse("not json"));
    }
}
