package io.berth.registry.iam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * A robot's credentials in the formats Quay's UI offers for download: the docker login command, Docker's
 * {@code config.json}, a Kubernetes pull secret, rkt's auth file and the Mesos tarball ({@code .docker/config.json}
 * in a gzipped tar, as Mesos fetches it).
 */
public final class RobotCredentials {
    private RobotCredentials() {}

    /** Every format at once, for {@code GET …/robots/<name>/credentials}; the tarball is base64-encoded. */
    public static JsonObject all(String registry, String name, String token) {
        return new JsonObject()
                .put("name", name)
                .put("token", token)
                .put("docker_login", dockerLogin(registry, name, token))
                .put("docker_config", dockerConfig(registry, name, token))
                .put("kubernetes_secret", kubernetesSecret(registry, name, token))
                .put("rkt", rkt(registry, name, token))
                .put("mesos_tarball", Base64.getEncoder().encodeToString(mesosTarball(registry, name, token)));
    }

    public static String dockerLogin(String registry, String name, String token) {
        return "docker login -u='" + name + "' -p='" + token + "' " + registry;
    }

    public static JsonObject dockerConfig(String registry, String name, String token) {
        String auth = Base64.getEncoder().encodeToString((name + ":" + token).getBytes(StandardCharsets.UTF_8));
        return new JsonObject().put("auths", new JsonObject().put(registry,
                new JsonObject().put("auth", auth).put("email", "")));
    }

    /** A {@code kubernetes.io/dockerconfigjson} Secret named after the robot (made a valid DNS-1123 name). */
    public static String kubernetesSecret(String registry, String name, String token) {
        String secretName = name.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-pull-secret";
        String config = Base64.getEncoder().encodeToString(
                dockerConfig(registry, name, token).encode().getBytes(StandardCharsets.UTF_8));
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                data:
                  .dockerconfigjson: %s
                type: kubernetes.io/dockerconfigjson
                """.formatted(secretName, config);
    }

    public static JsonObject rkt(String registry, String name, String token) {
        return new JsonObject().put("rktKind", "auth").put("rktVersion", "v1")
                .put("domains", new JsonArray().add(registry)).put("type", "basic")
                .put("credentials", new JsonObject().put("user", name).put("password", token));
    }

    /** {@code docker.tar.gz}: a tar holding {@code .docker/config.json}, gzipped. */
    public static byte[] mesosTarball(String registry, String name, String token) {
        byte[] config = dockerConfig(registry, name, token).encodePrettily().getBytes(StandardCharsets.UTF_8);
        var tar = new ByteArrayOutputStream();
        tar.writeBytes(header(".docker/", 0, '5', "0000755"));
        tar.writeBytes(header(".docker/config.json", config.length, '0', "0000600"));
        tar.writeBytes(config);
        tar.writeBytes(new byte[(512 - config.length % 512) % 512]);
        tar.writeBytes(new byte[1024]); // end of archive: two empty blocks
        var gz = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gz.toByteArray();
    }

    /** A ustar header block. */
    private static byte[] header(String path, long size, char type, String mode) {
        byte[] h = new byte[512];
        put(h, 0, path);
        put(h, 100, mode);
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, "%011o".formatted(size));
        put(h, 136, "%011o".formatted(System.currentTimeMillis() / 1000));
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        int sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, "%06o".formatted(sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] block, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, block, offset, bytes.length);
    }
}
