package io.berth.registry.app;

import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigException;
import io.berth.registry.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code java -jar berth.jar [--config config.yaml] [--port 8080] [--data-dir ./berth-data]} */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final String USAGE = "usage: java -jar berth.jar [--config config.yaml] [--port 8080] [--data-dir ./berth-data]";

    private Main() {}

    public static void main(String[] args) {
        BerthConfig config;
        try {
            config = parse(args);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("berth: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx;
        try {
            vertx = Clustering.vertx(config, new VertxOptions().setPreferNativeTransport(true)).await(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            LOG.error("Berth could not join its cluster: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Berth berth;
        try {
            berth = Berth.start(vertx, config).await(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            LOG.error("Berth could not start: {}", e.getMessage(), e);
            vertx.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down");
            try {
                // separate awaits: a future chained onto vertx.close() would complete on a stopped event loop
                berth.stop().await(60, TimeUnit.SECONDS);
                vertx.close().await(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
            }
        }, "berth-shutdown"));
    }

    static BerthConfig parse(String[] args) {
        Path configFile = null;
        Integer port = null;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--config" -> configFile = Path.of(require(arg, value));
                case "--port" -> {
                    try {
                        port = Integer.parseInt(require(arg, value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs a number\n" + USAGE);
                    }
                }
                case "--data-dir" -> dataDir = Path.of(require(arg, value));
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
            }
            i++;
        }
        return ConfigLoader.load(configFile, new ConfigLoader.Overrides(port, dataDir), System.getenv());
    }

    private static String require(String flag, String value) {
        if (value == null) throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        return value;
    }
}
