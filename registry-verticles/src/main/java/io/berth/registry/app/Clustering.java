package io.berth.registry.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.berth.registry.config.BerthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The node's Vert.x: standalone, or a member of the Hazelcast cluster of registry nodes and build workers. Members
 * are found through the configured TCP/IP addresses only (multicast and cloud discovery are off) and listen on the
 * configured host, loopback by default. The cluster's name derives from the shared secret, so members with another
 * secret form another cluster instead of joining this one.
 */
public final class Clustering {
    private Clustering() {}

    public static Future<Vertx> vertx(BerthConfig config, VertxOptions options) {
        BerthConfig.Cluster cluster = config.cluster();
        if (cluster == null) return Future.succeededFuture(Vertx.vertx(options));
        Config hazelcast = ConfigUtil.loadConfig();
        hazelcast.setClusterName("berth-" + fingerprint(cluster.secret()));
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
        var network = hazelcast.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(cluster.host()));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        hazelcast.setProperty("hazelcast.local.localAddress", cluster.host());
        options.getEventBusOptions().setHost(cluster.host()).setPort(0);
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
    }

    private static String fingerprint(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
