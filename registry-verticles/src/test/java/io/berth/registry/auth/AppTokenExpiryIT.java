package io.berth.registry.auth;

import io.berth.registry.gc.GarbageCollector;
import io.berth.registry.testing.Builds;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.json;
import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage collection deletes app-specific tokens {@code EXPIRED_APP_SPECIFIC_TOKEN_GC} (default 1d, as Quay) after they
 * expired; tokens that expired more recently and live ones stay. Tokens are aged by moving their expiration back
 * rather than by waiting. Background passes are off; each test runs its own.
 */
class AppTokenExpiryIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;
    static String root;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false, "SUPER_USERS", List.of("root")));
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        root = http.initialize("root", "root-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A new user's all-scope API token. */
    static String user(String name) {
        server.createUser(name, name + "-password");
        return server.oauthToken(name);
    }

    /** A new token of the user's, expiring at now plus {@code fromNow} (a PostgreSQL interval), or never when null. */
    static String token(String bearer, String title, String fromNow) {
        String uuid = json(ok(http.api("POST", "/user/apptoken", bearer, new JsonObject().put("title", title))))
                .getJsonObject("token").getString("uuid");
        if (fromNow != null) db.appTokenExpires(uuid, fromNow);
        return uuid;
    }

    static boolean exists(String uuid) {
        return !db.query("SELECT 1 FROM app_specific_token WHERE uuid = $1::uuid", Tuple.of(uuid)).isEmpty();
    }

    static GarbageCollector.Report gc(TestServer node) {
        return Builds.await(node.services().garbageCollector().run());
    }

    static long counter(String name) {
        return http.send(http.request("/metrics", null).GET().build()).body().lines()
                .filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    @Test
    void aTokenIsDeletedADayAfterItExpiredAndRecentlyExpiredAndLiveOnesStay() {
        String ann = user("ann");
        String old = token(ann, "old", "-25 hours");
        String recent = token(ann, "recent", "-23 hours");
        String live = token(ann, "live", "7 days");
        String forever = token(ann, "forever", null);
        long before = counter("berth_gc_app_tokens_deleted_total");

        var report = json(ok(http.api("POST", "/superuser/gc", root, null)));
        assertEquals(1, report.getInteger("app_tokens_deleted"), report.encode());

        assertFalse(exists(old), "expired more than a day ago");
        for (String kept : List.of(recent, live, forever)) assertTrue(exists(kept), kept);
        var listed = json(ok(http.api("GET", "/user/apptoken", ann, null))).getJsonArray("tokens").stream()
                .map(t -> ((JsonObject) t).getString("title")).toList();
        assertEquals(List.of("recent", "live", "forever"), listed, "the owner no longer sees the deleted token");
        assertEquals(before + 1, counter("berth_gc_app_tokens_deleted_total"));

        assertEquals(0, gc(server).appTokensDeleted(), "a second pass finds nothing more");
    }

    @Test
    void theWindowIsConfigured() {
        String bea = user("bea");
        String twoHours = token(bea, "two hours ago", "-2 hours");
        String halfAnHour = token(bea, "half an hour ago", "-30 minutes");
        try (var node = TestServer.startSharing(server, Map.of("FEATURE_GARBAGE_COLLECTION", false,
                "EXPIRED_APP_SPECIFIC_TOKEN_GC", "1h"))) {
            gc(node);
        }
        assertFalse(exists(twoHours));
        assertTrue(exists(halfAnHour));
    }

    /** As Quay runs its worker only then: with the feature off, expired tokens are collected when the key is set. */
    @Test
    void withTheFeatureOffOnlyTheKeyTurnsCollectionOn() {
        String expired = token(user("cat"), "expired", "-2 days");
        try (var off = TestServer.startSharing(server, Map.of("FEATURE_GARBAGE_COLLECTION", false,
                "FEATURE_APP_SPECIFIC_TOKENS", false))) {
            assertEquals(0, gc(off).appTokensDeleted());
        }
        assertTrue(exists(expired));
        try (var keyed = TestServer.startSharing(server, Map.of("FEATURE_GARBAGE_COLLECTION", false,
                "FEATURE_APP_SPECIFIC_TOKENS", false, "EXPIRED_APP_SPECIFIC_TOKEN_GC", "1d"))) {
            assertEquals(1, gc(keyed).appTokensDeleted());
        }
        assertFalse(exists(expired));
    }

    /** Two registry nodes collecting at once split the expired tokens between them, and neither fails. */
    @Test
    void twoNodesCollectingAtOnceDeleteEachTokenOnce() {
        String dee = user("dee");
        var tokens = new ArrayList<String>();
        for (int i = 0; i < 30; i++) tokens.add(token(dee, "t" + i, "-3 days"));
        try (var second = TestServer.startSharing(server, Map.of("FEATURE_GARBAGE_COLLECTION", false))) {
            var reports = Builds.await(Future.all(server.services().garbageCollector().run(),
                    second.services().garbageCollector().run()));
            GarbageCollector.Report one = reports.resultAt(0);
            GarbageCollector.Report other = reports.resultAt(1);
            assertEquals(tokens.size(), one.appTokensDeleted() + other.appTokensDeleted());
        }
        tokens.forEach(t -> assertFalse(exists(t), t));
    }
}
