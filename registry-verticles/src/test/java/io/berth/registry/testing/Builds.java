package io.berth.registry.testing;

import io.berth.model.event.BuildEvent;
import io.berth.registry.auth.OAuthScopes;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test steps for the build API of one test server: OAuth tokens for users, dropping a build context, starting a
 * build, and waiting for build events (recorded from the server's event bus) or for a condition, always bounded.
 */
public final class Builds {
    private final TestServer server;
    private final RegistryHttp http;
    private final Map<String, CopyOnWriteArrayList<JsonObject>> events = new ConcurrentHashMap<>();

    public Builds(TestServer server) {
        this.server = server;
        this.http = new RegistryHttp(server);
        server.vertx().eventBus().<JsonObject>consumer(BuildEvent.ADDRESS, m -> events
                .computeIfAbsent(m.body().getString("buildUuid"), k -> new CopyOnWriteArrayList<>()).add(m.body()));
    }

    public RegistryHttp http() { return http; }

    /** An OAuth token with every scope for an existing user, as an application of theirs would hold. */
    public String token(String username) {
        var db = new Fixtures(server);
        long accountId = db.query("SELECT id FROM account WHERE username = $1", Tuple.of(username)).get(0).getLong(0);
        long appId = db.query("""
                INSERT INTO oauth_application (client_id, client_secret, owner_id, name)
                VALUES ($1, 'secret', $2, 'tests') RETURNING id""", Tuple.of(UUID.randomUUID().toString(), accountId))
                .get(0).getLong(0);
        return await(server.services().oauthTokens().mint(server.services().database().pool(), appId, accountId,
                OAuthScopes.ALL, Duration.ofHours(1), "tests")).token();
    }

    public HttpResponse<String> json(String method, String path, String token, JsonObject body) {
        var request = http.request(path, token).header("Content-Type", "application/json");
        return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    public HttpResponse<String> get(String path, String token) {
        return http.send(http.request(path, token).build());
    }

    /** Drops a file through {@code POST /api/v1/filedrop/} and its upload URL; returns the file id. */
    public String drop(String token, byte[] content) {
        var drop = json("POST", "/api/v1/filedrop/", token, new JsonObject().put("mimeType", "application/octet-stream"));
        assertEquals(200, drop.statusCode(), drop.body());
        var body = new JsonObject(drop.body());
        var put = http.send(HttpRequest.newBuilder(java.net.URI.create(body.getString("url")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
        assertEquals(200, put.statusCode(), put.body());
        return body.getString("file_id");
    }

    /** Starts a build; returns the build view (201 expected). */
    public JsonObject start(String token, String repository, JsonObject request) {
        var r = json("POST", "/api/v1/repository/" + repository + "/build/", token, request);
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    public JsonObject status(String token, String repository, String uuid) {
        var r = get("/api/v1/repository/" + repository + "/build/" + uuid + "/status", token);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    public JsonObject logs(String token, String repository, String uuid) {
        var r = get("/api/v1/repository/" + repository + "/build/" + uuid + "/logs", token);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    /** The events published for a build so far, in order. */
    public java.util.List<JsonObject> events(String uuid) {
        return java.util.List.copyOf(events.getOrDefault(uuid, new CopyOnWriteArrayList<>()));
    }

    /** Waits for an event of the build, at most {@code max}; returns it. */
    public JsonObject awaitEvent(String uuid, String event, Duration max) {
        return until(max, "event " + event + " of build " + uuid, () -> events(uuid).stream()
                .filter(e -> e.getString("event").equals(event)).findFirst().orElse(null));
    }

    /** Waits until the build's status shows a finished phase; returns the status. */
    public JsonObject awaitFinished(String token, String repository, String uuid, Duration max) {
        return until(max, "build " + uuid + " to finish", () -> {
            JsonObject status = status(token, repository, uuid);
            return java.util.Set.of("complete", "error", "expired", "cancelled").contains(status.getString("phase"))
                    ? status : null;
        });
    }

    /** Polls {@code check} about five times a second until it answers non-null, for at most {@code max}. */
    public static <T> T until(Duration max, String what, Supplier<T> check) {
        Instant deadline = Instant.now().plus(max);
        while (true) {
            T value = check.get();
            if (value != null) return value;
            if (Instant.now().isAfter(deadline)) fail("gave up waiting for " + what + " after " + max);
            pause();
        }
    }

    private static void pause() {
        try {
            new java.util.concurrent.CompletableFuture<Void>()
                    .completeOnTimeout(null, 200, TimeUnit.MILLISECONDS).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
