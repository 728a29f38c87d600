package io.berth.registry.testing;

import io.berth.model.oci.Digester;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test data put straight into the database: repositories, and blobs linked to them (as a finished upload would leave
 * them), so manifest tests do not depend on the blob-upload API. Also builders for manifest JSON.
 */
public final class Fixtures {
    private final TestServer server;

    public Fixtures(TestServer server) {
        this.server = server;
    }

    /** A user's private repository with a pull,push token for it. */
    public record Owned(long id, String path, String token) {}

    /** Creates the user and a private repository of theirs, and fetches a pull,push token for it. */
    public Owned ownedRepository(String user, String password, String name) {
        server.createUser(user, password);
        long id = repository(user, name, "private");
        String path = user + "/" + name;
        return new Owned(id, path, new RegistryHttp(server).token(user, password, "repository:" + path + ":pull,push"));
    }

    /** Creates the repository (if missing) in an existing namespace and returns its id. */
    public long repository(String namespace, String name, String visibility) {
        query("""
                INSERT INTO repository (namespace_id, name, visibility)
                SELECT id, $2, $3 FROM account WHERE username = $1
                ON CONFLICT (namespace_id, name) DO NOTHING""", Tuple.of(namespace, name, visibility));
        return query("""
                SELECT r.id FROM repository r JOIN account a ON a.id = r.namespace_id
                WHERE a.username = $1 AND r.name = $2""", Tuple.of(namespace, name)).get(0).getLong(0);
    }

    /** Records a blob and links it to the repository; returns its descriptor with the given media type. */
    public JsonObject blob(long repositoryId, String mediaType, byte[] content) {
        String digest = Digester.sha256(content).toString();
        blob(digest, content.length);
        repositoryBlob(repositoryId, digest);
        return descriptor(mediaType, digest, content.length);
    }

    public JsonObject blob(long repositoryId, String mediaType, String content) {
        return blob(repositoryId, mediaType, content.getBytes(StandardCharsets.UTF_8));
    }

    public void blob(String digest, long size) {
        query("INSERT INTO blob (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING", Tuple.of(digest, size));
    }

    public void repositoryBlob(long repositoryId, String digest) {
        query("INSERT INTO repository_blob (repository_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                Tuple.of(repositoryId, digest));
    }

    public static JsonObject descriptor(String mediaType, String digest, long size) {
        return new JsonObject().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    public static JsonObject descriptor(String mediaType, byte[] content) {
        return descriptor(mediaType, Digester.sha256(content).toString(), content.length);
    }

    /** An image manifest (OCI or Docker schema 2, by media type) with a config and layers. */
    public static JsonObject image(String mediaType, JsonObject config, JsonObject... layers) {
        return new JsonObject().put("schemaVersion", 2).put("mediaType", mediaType).put("config", config)
                .put("layers", new JsonArray(List.of((Object[]) layers)));
    }

    /** An index (OCI index or Docker manifest list) of children, each given as {mediaType, bytes, architecture}. */
    public static JsonObject index(String mediaType, JsonObject... children) {
        return new JsonObject().put("schemaVersion", 2).put("mediaType", mediaType)
                .put("manifests", new JsonArray(List.of((Object[]) children)));
    }

    public static JsonObject platformDescriptor(String mediaType, byte[] content, String os, String architecture) {
        return descriptor(mediaType, content).put("platform",
                new JsonObject().put("os", os).put("architecture", architecture));
    }

    public static byte[] bytes(JsonObject json) {
        return json.encodePrettily().getBytes(StandardCharsets.UTF_8);
    }

    /** Runs SQL against the server's database and returns the rows. */
    public List<Row> query(String sql, Tuple params) {
        try {
            return server.services().database().pool().preparedQuery(sql).execute(params).map(rows -> {
                var out = new ArrayList<Row>();
                rows.forEach(out::add);
                return (List<Row>) out;
            }).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * Moves an app-specific token's expiration to now plus {@code fromNow}, a PostgreSQL interval ({@code -2 days} has
     * it expired two days ago), so tests need not wait for a token to expire.
     */
    public void appTokenExpires(String uuid, String fromNow) {
        query("UPDATE app_specific_token SET expiration = now() + $2::text::interval WHERE uuid = $1::uuid",
                Tuple.of(uuid, fromNow));
    }

    /** The kinds of the usage-log entries of a repository, oldest first. */
    public List<String> logKinds(long repositoryId) {
        flushUsageLog();
        return query("SELECT kind FROM usage_log WHERE repository_id = $1 ORDER BY id", Tuple.of(repositoryId))
                .stream().map(r -> r.getString(0)).toList();
    }

    /** Writes pending usage-log entries now. */
    public void flushUsageLog() {
        try {
            server.services().usage().flush().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An /api/v1 bearer token for an existing account: an OAuth token with the given scopes (all of them when none are
     * given) under an application named {@code tests} that the account owns.
     */
    public String oauthToken(String username, String... scopes) {
        var services = server.services();
        long accountId = query("SELECT id FROM account WHERE username = $1", Tuple.of(username)).get(0).getLong(0);
        long appId = query("""
                INSERT INTO oauth_application (client_id, client_secret, owner_id, name)
                VALUES ($1, 'unused', $2, 'tests') RETURNING id""",
                Tuple.of("tests-" + java.util.UUID.randomUUID(), accountId)).get(0).getLong(0);
        var granted = scopes.length == 0 ? io.berth.registry.auth.OAuthScopes.ALL : java.util.Set.of(scopes);
        try {
            return services.oauthTokens().mint(services.database().pool(), appId, accountId, granted,
                    java.time.Duration.ofHours(1), "tests").await(30, TimeUnit.SECONDS).token();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The usage-log kinds written so far for a namespace, oldest first (pending entries are flushed first). */
    public List<String> logKinds(String namespace) {
        flushUsageLog();
        return query("""
                SELECT l.kind FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = $1 ORDER BY l.id""", Tuple.of(namespace)).stream().map(r -> r.getString(0)).toList();
    }
}
