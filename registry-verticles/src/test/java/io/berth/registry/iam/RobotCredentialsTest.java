package io.berth.registry.iam;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RobotCredentialsTest {
    static final String REGISTRY = "registry.example.com:8443";
    static final String NAME = "acme+deployer";
    static final String TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01";

    @Test
    void dockerConfigCarriesBasicCredentialsForTheRegistry() {
        var auth = RobotCredentials.dockerConfig(REGISTRY, NAME, TOKEN).getJsonObject("auths").getJsonObject(REGISTRY);
        assertEquals(NAME + ":" + TOKEN, new String(Base64.getDecoder().decode(auth.getString("auth")),
                StandardCharsets.UTF_8));
        assertEquals("docker login -u='acme+deployer' -p='" + TOKEN + "' " + REGISTRY,
                RobotCredentials.dockerLogin(REGISTRY, NAME, TOKEN));
    }

    @Test
    void kubernetesSecretHoldsTheDockerConfig() {
        String yaml = RobotCredentials.kubernetesSecret(REGISTRY, NAME, TOKEN);
        assertTrue(yaml.contains("kind: Secret\n"), yaml);
        assertTrue(yaml.contains("  name: acme-deployer-pull-secret\n"), yaml);
        assertTrue(yaml.contains("type: kubernetes.io/dockerconfigjson\n"), yaml);
        String encoded = yaml.lines().filter(l -> l.trim().startsWith(".dockerconfigjson:")).findFirst().orElseThrow()
                .split(":", 2)[1].trim();
        assertEquals(RobotCredentials.dockerConfig(REGISTRY, NAME, TOKEN),
                new JsonObject(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)));
    }

    @Test
    void rktAuthFileNamesTheDomain() {
        var rkt = RobotCredentials.rkt(REGISTRY, NAME, TOKEN);
        assertEquals("auth", rkt.getString("rktKind"));
        assertEquals(REGISTRY, rkt.getJsonArray("domains").getString(0));
        assertEquals(new JsonObject().put("user", NAME).put("password", TOKEN), rkt.getJsonObject("credentials"));
    }

    @Test
    void mesosTarballIsAValidTarOfDockerConfig() throws IOException {
        byte[] tar;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(RobotCredentials.mesosTarball(REGISTRY, NAME, TOKEN)))) {
            tar = in.readAllBytes();
        }
        assertEquals(0, tar.length % 512);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<Character> types = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            byte[] header = Arrays.copyOfRange(tar, at, at + 512);
            assertEquals(checksum(header), Integer.parseInt(field(header, 148, 8), 8), "header checksum");
            assertEquals("ustar", field(header, 257, 6));
            String name = field(header, 0, 100);
            int size = Integer.parseInt(field(header, 124, 12), 8);
            types.add((char) header[156]);
            entries.put(name, Arrays.copyOfRange(tar, at + 512, at + 512 + size));
            at += 512 + (size + 511) / 512 * 512;
        }
        assertEquals(List.of(".docker/", ".docker/config.json"), List.copyOf(entries.keySet()));
        assertEquals(List.of('5', '0'), types);
        assertEquals(RobotCredentials.dockerConfig(REGISTRY, NAME, TOKEN),
                new JsonObject(new String(entries.get(".docker/config.json"), StandardCharsets.UTF_8)));
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) end++;
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }

    /** The ustar checksum: the header's bytes summed with the checksum field counted as spaces. */
    private static int checksum(byte[] header) {
        int sum = 0;
        for (int i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        return sum;
    }
}
