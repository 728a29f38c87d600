package io.berth.registry.db;

import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The metadata store: an external PostgreSQL from {@code DB_URI}, or an embedded one under the data directory.
 * Migrations run at start through Flyway, whose PostgreSQL lock makes concurrent starts of several nodes safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final Pool pool;
    private final PgConnectOptions connectOptions;

    private Database(EmbeddedPostgres embedded, Pool pool, PgConnectOptions connectOptions) {
        this.embedded = embedded;
        this.pool = pool;
        this.connectOptions = connectOptions;
    }

    public Pool pool() { return pool; }

    /** A connection of its own, outside the pool: for session state such as advisory locks, which die with it. */
    public Future<SqlConnection> dedicatedConnection(Vertx vertx) {
        return PgConnection.connect(vertx, connectOptions).map(c -> c);
    }

    /** Starts (or connects to) PostgreSQL and migrates it; blocking work runs off the event loop. */
    public static Future<Database> open(Vertx vertx, BerthConfig config) {
        return vertx.executeBlocking(() -> {
            EmbeddedPostgres embedded = null;
            JdbcTarget target;
            if (config.dbUri() == null) {
                embedded = startEmbedded(config.dataDir().resolve("postgres"));
                target = new JdbcTarget("localhost", embedded.getPort(), "postgres", "postgres", null);
            } else {
                target = JdbcTarget.parse(config.dbUri());
            }
            try {
                migrate(target);
            } catch (RuntimeException e) {
                if (embedded != null) embedded.close();
                throw e;
            }
            var connect = new PgConnectOptions()
                    .setHost(target.host()).setPort(target.port()).setDatabase(target.database())
                    .setUser(target.user())
                    .setCachePreparedStatements(true);
            if (target.password() != null) connect.setPassword(target.password());
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(16)).connectingTo(connect).using(vertx).build();
            return new Database(embedded, pool, connect);
        }, false);
    }

    private static EmbeddedPostgres startEmbedded(Path dir) throws IOException {
        Files.createDirectories(dir);
        LOG.info("Starting embedded PostgreSQL in {}", dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                // the library's defaults favour throwaway test databases; this one holds real data
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .start();
    }

    private static void migrate(JdbcTarget target) {
        Flyway.configure()
                .dataSource("jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.database(),
                        target.user(), target.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }

    /** Where to connect, from a {@code postgresql://user:password@host:port/database} URI. */
    record JdbcTarget(String host, int port, String database, String user, String password) {
        static JdbcTarget parse(String uri) {
            try {
                URI u = URI.create(uri.replaceFirst("^postgres(ql)?://", "postgresql://"));
                String user = null;
                String password = null;
                if (u.getRawUserInfo() != null) {
                    String[] parts = u.getRawUserInfo().split(":", 2);
                    user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                    if (parts.length > 1) password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
                }
                String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
                if (u.getHost() == null) throw new ConfigException("DB_URI has no host: " + uri);
                return new JdbcTarget(u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), db,
                        user == null ? "postgres" : user, password);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("DB_URI is not a valid URI: " + e.getMessage());
            }
        }
    }
}
