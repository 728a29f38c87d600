package io.berth.builder;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's settings, from {@code worker.yaml} or, for the in-process worker, from the registry. Keys:
 * {@code CLUSTER_MEMBERS} (host[:port] list; none means the worker shares the registry's own Vert.x),
 * {@code CLUSTER_HOST} (where this member listens, default 127.0.0.1), {@code CLUSTER_PORT} (default 5701),
 * {@code CLUSTER_SECRET} (the secret every member holds), {@code DOCKER_HOST} (default the local engine's socket),
 * {@code WORK_DIR} (where contexts are unpacked), {@code MAX_CONTEXT_SIZE} (bytes, default 1 GiB) and
 * {@code MAX_CONTEXT_FILES} (default 100000).
 */
public record WorkerConfig(List<String> clusterMembers, String clusterHost, int clusterPort, String clusterSecret,
                           String dockerHost, Path workDir, long maxContextSize, int maxContextFiles) {

    public static WorkerConfig from(JsonObject json) {
        String secret = json.getString("CLUSTER_SECRET");
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("CLUSTER_SECRET must be set to at least 16 characters");
        }
        var members = new ArrayList<String>();
        Object raw = json.getValue("CLUSTER_MEMBERS");
        if (raw instanceof JsonArray list) list.forEach(m -> members.add(String.valueOf(m)));
        else if (raw instanceof String s && !s.isBlank()) members.addAll(List.of(s.split("\\s*,\\s*")));
        else if (raw != null) throw new IllegalArgumentException("CLUSTER_MEMBERS must be a list of host[:port]");
        return new WorkerConfig(List.copyOf(members), json.getString("CLUSTER_HOST", "127.0.0.1"),
                number(json, "CLUSTER_PORT", 5701), secret,
                json.getString("DOCKER_HOST", "unix:///var/run/docker.sock"),
                Path.of(json.getString("WORK_DIR", System.getProperty("java.io.tmpdir") + "/berth-builder")),
                number(json, "MAX_CONTEXT_SIZE", 1L << 30), (int) number(json, "MAX_CONTEXT_FILES", 100_000));
    }

    public boolean clustered() { return !clusterMembers.isEmpty(); }

    private static long number(JsonObject json, String key, long fallback) {
        Object v = json.getValue(key);
        if (v == null) return fallback;
        try {
            long n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // the error below names the key
        }
        throw new IllegalArgumentException(key + " must be a positive whole number, got: " + v);
    }

    private static int number(JsonObject json, String key, int fallback) {
        return Math.toIntExact(number(json, key, (long) fallback));
    }
}
