package io.berth.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hazelcast.config.Config;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar berth-builder.jar [--config worker.yaml]}: joins the cluster of registry nodes and workers and
 * runs builds until stopped. Environment variables {@code BERTH_<KEY>} override the file's keys (see
 * {@link WorkerConfig}).
 */
public final class WorkerMain {
    static {
        // the worker's own logging setup; a registry that embeds the worker keeps its logback.xml
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "berth-builder-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
    private static final String USAGE = "usage: java -jar berth-builder.jar [--config worker.yaml]";

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        JsonObject settings;
        WorkerConfig config;
        try {
            settings = load(args, System.getenv());
            config = WorkerConfig.from(settings);
            if (!config.clustered()) throw new IllegalArgumentException("CLUSTER_MEMBERS must list the cluster's members");
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("berth-builder: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        var options = new VertxOptions().setPreferNativeTransport(true);
        options.getEventBusOptions().setHost(config.clusterHost()).setPort(0);
        Vertx vertx = Vertx.builder().with(options)
                .withClusterManager(new HazelcastClusterManager(hazelcast(config)))
                .buildClustered().await(2, TimeUnit.MINUTES);
        String id;
        try {
            id = vertx.deployVerticle(WorkerVerticle.class.getName(), new DeploymentOptions().setConfig(settings))
                    .await(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            LOG.error("The worker could not start: {}", e.getMessage());
            vertx.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.undeploy(id).await(60, TimeUnit.SECONDS);
                vertx.close().await(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
            }
        }, "berth-builder-shutdown"));
    }

    static JsonObject load(String[] args, Map<String, String> env) throws java.io.IOException {
        var json = new JsonObject();
        if (args.length == 2 && args[0].equals("--config")) {
            Object parsed = new ObjectMapper(new YAMLFactory()).readValue(Path.of(args[1]).toFile(), Object.class);
            if (!(parsed instanceof Map<?, ?> map)) throw new IllegalArgumentException(args[1] + " must be a mapping of keys");
            map.forEach((k, v) -> json.put(String.valueOf(k), v));
        } else if (args.length != 0) {
            throw new IllegalArgumentException("unknown arguments " + String.join(" ", args));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("BERTH_")) json.put(k.substring(6), v);
        });
        return json;
    }

    /**
     * Hazelcast as the registry nodes configure it: TCP/IP join with the listed members only, listening on the
     * configured host, in the cluster whose name derives from the shared secret.
     */
    static Config hazelcast(WorkerConfig config) throws Exception {
        Config hazelcast = ConfigUtil.loadConfig();
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(config.clusterSecret().getBytes(StandardCharsets.UTF_8));
        hazelcast.setClusterName("berth-" + HexFormat.of().formatHex(hash, 0, 8));
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
        hazelcast.setProperty("hazelcast.local.localAddress", config.clusterHost());
        var network = hazelcast.getNetworkConfig().setPort(config.clusterPort()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(config.clusterHost()));
        var join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(config.clusterMembers());
        return hazelcast;
    }
}
