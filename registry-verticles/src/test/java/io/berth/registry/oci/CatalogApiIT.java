package io.berth.registry.oci;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code GET /v2/_catalog}: what each caller may read, with and without FEATURE_PUBLIC_CATALOG. */
class CatalogApiIT {
    /** alice: a/private, a/sub/nested (private); bob: b/private, b/public; carol: none, but read on bob/private. */
    static void populate(TestServer server) {
        server.createUser("alice", "correct-horse");
        server.createUser("bob", "battery-staple");
        var carol = server.createUser("carol", "tr0ub4dor-3");
        var fixtures = new Fixtures(server);
        fixtures.repository("alice", "private", "private");
        fixtures.repository("alice", "sub/nested", "private");
        long bobPrivate = fixtures.repository("bob", "private", "private");
        fixtures.repository("bob", "public", "public");
        fixtures.query("INSERT INTO repository_permission (repository_id, account_id, role) VALUES ($1, $2, 'read')",
                Tuple.of(bobPrivate, carol.id()));
    }

    static HttpResponse<String> catalog(TestServer server, String user, String password, String query) {
        var http = new RegistryHttp(server);
        String token = user == null ? null : http.token(user, password);
        return http.send(http.request("/v2/_catalog" + query, token).build());
    }

    static List<Object> repositories(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonArray("repositories").getList();
    }

    @Test
    void withoutPublicCatalogCallersSeeWhatTheyOwnOrWereGranted() {
        try (var server = TestServer.start()) {
            populate(server);
            assertEquals(List.of("alice/private", "alice/sub/nested"), repositories(catalog(server, "alice", "correct-horse", "")));
            assertEquals(List.of("bob/private", "bob/public"), repositories(catalog(server, "bob", "battery-staple", "")));
            assertEquals(List.of("bob/private"), repositories(catalog(server, "carol", "tr0ub4dor-3", "")));
            assertEquals(List.of(), repositories(catalog(server, null, null, "")));

            var first = catalog(server, "bob", "battery-staple", "?n=1");
            assertEquals(List.of("bob/private"), repositories(first));
            assertEquals("</v2/_catalog?n=1&last=bob%2Fprivate>; rel=\"next\"", first.headers().firstValue("Link").orElse(null));
            var second = catalog(server, "bob", "battery-staple", "?n=1&last=bob%2Fprivate");
            assertEquals(List.of("bob/public"), repositories(second));
            assertTrue(second.headers().firstValue("Link").isEmpty());
            assertEquals(List.of(), repositories(catalog(server, "bob", "battery-staple", "?n=0")));
            assertEquals(400, catalog(server, "bob", "battery-staple", "?n=lots").statusCode());
        }
    }

    @Test
    void withPublicCatalogPublicRepositoriesAreListedForEveryone() {
        try (var server = TestServer.start(Map.of("FEATURE_PUBLIC_CATALOG", true))) {
            populate(server);
            assertEquals(List.of("bob/public"), repositories(catalog(server, null, null, "")));
            assertEquals(List.of("alice/private", "alice/sub/nested", "bob/public"),
                    repositories(catalog(server, "alice", "correct-horse", "")));
            assertFalse(repositories(catalog(server, "alice", "correct-horse", "")).contains("bob/private"));
            assertEquals(new JsonArray(List.of("bob/private", "bob/public")),
                    new JsonObject(catalog(server, "carol", "tr0ub4dor-3", "").body()).getJsonArray("repositories"));
        }
    }
}
