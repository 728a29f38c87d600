package io.berth.registry.testing;

import io.berth.registry.app.Berth;
import io.berth.registry.app.Clustering;
import io.berth.registry.auth.OAuthScopes;
import io.berth.registry.auth.OAuthTokenRepository;
import io.berth.registry.auth.OAuthTokens;
import io.vertx.core.VertxOptions;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigLoader;
import io.berth.registry.iam.Account;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Berth node for integration tests: the real verticles on a free loopback port, a fresh database in the shared
 * embedded PostgreSQL, and a temporary data directory.
 */
public final class TestServer implements AutoCloseable {
    private final Vertx vertx;
    private final Berth berth;
    private final int port;
    private final Path dataDir;
    private final String dbUri;

    private TestServer(Vertx vertx, Berth berth, int port, Path dataDir, String dbUri) {
        this.vertx = vertx;
        this.berth = berth;
        this.port = port;
        this.dataDir = dataDir;
        this.dbUri = dbUri;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** Starts a node with extra config.yaml keys. */
    public static TestServer start(Map<String, Object> extraConfig) {
        try {
            return start(extraConfig, Files.createTempDirectory("berth-test"), TestDatabase.freshDatabaseUri());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts another node on the same database and data directory (hence the same storage) as {@code other}, on a
     * port of its own: a restart when {@code other} was closed first, a second node of a cluster when not.
     */
    public static TestServer startSharing(TestServer other, Map<String, Object> extraConfig) {
        return start(extraConfig, other.dataDir, other.dbUri);
    }

    private static TestServer start(Map<String, Object> extraConfig, Path dataDir, String dbUri) {
        try {
            int port = freePort();
            var raw = new HashMap<String, Object>();
            raw.put("HTTP_PORT", port);
            raw.put("DATA_DIR", dataDir.toString());
            raw.put("SERVER_HOSTNAME", "127.0.0.1:" + port);
            raw.put("DB_URI", dbUri);
            raw.putAll(extraConfig);
            BerthConfig config = ConfigLoader.from(raw);
            // standalone, or a cluster member when the config lists CLUSTER_MEMBERS
            Vertx vertx = Clustering.vertx(config, new VertxOptions()).await(2, TimeUnit.MINUTES);
            Berth berth = Berth.start(vertx, config).await(2, TimeUnit.MINUTES);
            return new TestServer(vertx, berth, port, dataDir, dbUri);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Berth did not start", e);
        }
    }

    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public int port() { return port; }
    public String hostPort() { return "127.0.0.1:" + port; }
    public String baseUrl() { return "http://127.0.0.1:" + port; }
    public Path dataDir() { return dataDir; }
    public Berth.Services services() { return berth.services(); }
    public io.vertx.ext.web.Router router() { return berth.router(); }

    /** Where the filesystem storage keeps the bytes of a sha256 blob. */
    public Path storedBlob(String digest) {
        String hex = digest.substring("sha256:".length());
        return services().config().storagePath().resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
    }
    public Vertx vertx() { return vertx; }

    /** Creates a user directly through the account service, as sign-up would, with a verified e-mail address. */
    public Account createUser(String username, String password) {
        var s = services();
        try {
            return s.passwords().hash(password)
                    .compose(hash -> s.accounts().insertUser(s.database().pool(), username, username + "@example.com",
                            hash, s.config().defaultTagExpiration().toSeconds(), true))
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An OAuth access token for an existing user with the given scopes, minted directly: the minting API mints only
     * for its caller, and tests need tokens for many users.
     */
    public String oauthToken(String username, Set<String> scopes) {
        var s = services();
        var pool = s.database().pool();
        try {
            return s.accounts().findByUsername(pool, username)
                    .compose(account -> new OAuthTokenRepository().ensureApplication(pool, account.id(),
                                    "test-" + username, "", "test", "")
                            .compose(app -> s.oauthTokens().mint(pool, app, account.id(), scopes, Duration.ofHours(1),
                                    "test")))
                    .map(OAuthTokens.Minted::token)
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #oauthToken} with every scope. */
    public String oauthToken(String username) {
        return oauthToken(username, OAuthScopes.ALL);
    }

    @Override
    public void close() {
        try {
            // two awaits: a future chained onto vertx.close() would complete on an event loop that no longer runs
            berth.stop().await(60, TimeUnit.SECONDS);
            vertx.close().await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
