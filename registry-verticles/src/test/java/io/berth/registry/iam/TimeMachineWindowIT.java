package io.berth.registry.iam;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The time-machine window of a namespace: {@code tag_expiration_s} on PUT /user/ and PUT /organization/<org>. */
class TimeMachineWindowIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("DEFAULT_TAG_EXPIRATION", "1w", "TAG_EXPIRATION_OPTIONS", List.of("0s", "1d", "1w", "3w")));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        alice = http.initialize("alice", "alice-password");
        server.createUser("bob", "bob-password");
        bob = server.oauthToken("bob", Set.of("user:admin", "org:admin", "repo:read"));
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "acme")).statusCode());
        assertEquals(201, http.api("POST", "/repository", alice, new JsonObject().put("namespace", "acme")
                .put("repository", "app").put("visibility", "public").put("description", "")).statusCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aUserSetsTheirWindowToOneOfTheOptions() {
        assertEquals(604800, json(http.api("GET", "/user/", alice, null)).getLong("tag_expiration_s"), "DEFAULT_TAG_EXPIRATION");
        var r = http.api("PUT", "/user/", alice, new JsonObject().put("tag_expiration_s", 1814400));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1814400, json(r).getLong("tag_expiration_s"));
        assertEquals("alice", json(r).getString("username"));
        assertEquals(1814400, json(http.api("GET", "/user/", alice, null)).getLong("tag_expiration_s"));

        for (Object bad : List.of(1209600, 12345, -1, "1w", 1.5)) {
            var refused = http.api("PUT", "/user/", alice, new JsonObject().put("tag_expiration_s", bad));
            assertEquals(400, refused.statusCode(), String.valueOf(bad));
            assertEquals("Invalid tag expiration option", json(refused).getString("message"));
        }
        assertEquals(200, http.api("PUT", "/user/", alice, new JsonObject().put("tag_expiration_s", 0)).statusCode());
        assertEquals(0, json(http.api("GET", "/user/", alice, null)).getLong("tag_expiration_s"));
        // a body without the key changes nothing
        assertEquals(0, json(http.api("PUT", "/user/", alice, new JsonObject())).getLong("tag_expiration_s"));

        // without a token, a write needs a session's CSRF token
        assertEquals(403, http.api("PUT", "/user/", null, new JsonObject().put("tag_expiration_s", 0)).statusCode());
        assertEquals(403, http.api("PUT", "/user/", server.oauthToken("bob", Set.of("user:read")),
                new JsonObject().put("tag_expiration_s", 0)).statusCode());
        assertEquals(List.of(1814400L, 0L), logged("user_change_tag_expiration", "username", "alice"));
    }

    @Test
    void anOrganizationAdminSetsTheOrganizationsWindow() {
        var r = http.api("PUT", "/organization/acme", alice, new JsonObject().put("tag_expiration_s", 86400));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(86400, json(r).getLong("tag_expiration_s"));
        assertEquals("acme", json(r).getString("name"));
        assertEquals(86400, json(http.api("GET", "/organization/acme", alice, null)).getLong("tag_expiration_s"));
        // the repository view shows its namespace's window
        var repo = json(http.api("GET", "/repository/acme/app", null, null));
        assertEquals(86400, repo.getLong("tag_expiration_s"));
        assertEquals(true, repo.getBoolean("is_organization"));

        assertEquals(400, http.api("PUT", "/organization/acme", alice, new JsonObject().put("tag_expiration_s", 7)).statusCode());
        assertEquals(403, http.api("PUT", "/organization/acme", bob, new JsonObject().put("tag_expiration_s", 0)).statusCode());
        assertEquals(403, http.api("PUT", "/organization/acme", bob, new JsonObject()).statusCode());
        // as in Quay, the permission check comes first: no one administers an organization that does not exist
        assertEquals(403, http.api("PUT", "/organization/nobody", alice, new JsonObject().put("tag_expiration_s", 0)).statusCode());
        assertEquals(86400, json(http.api("GET", "/organization/acme", alice, null)).getLong("tag_expiration_s"));
        assertEquals(List.of(86400L), logged("org_change_tag_expiration", "namespace", "acme"));
    }

    @Test
    void withTheFeatureOffNoWindowChanges() {
        try (var off = TestServer.start(Map.of("FEATURE_CHANGE_TAG_EXPIRATION", false))) {
            var offHttp = new RegistryHttp(off);
            String admin = offHttp.initialize("admin", "admin-password");
            assertEquals(201, offHttp.api("POST", "/organization/", admin, new JsonObject().put("name", "initech"))
                    .statusCode());
            for (String path : List.of("/user/", "/organization/initech")) {
                var refused = offHttp.api("PUT", path, admin, new JsonObject().put("tag_expiration_s", 0));
                assertEquals(400, refused.statusCode(), path + ": " + refused.body());
                assertEquals("The administrator has disabled changing the time machine window",
                        json(refused).getString("message"));
                // nothing else in the refused request happened either
                var withEmail = offHttp.api("PUT", path, admin, new JsonObject().put("tag_expiration_s", 86400)
                        .put("email", "changed@example.com"));
                assertEquals(400, withEmail.statusCode(), path + ": " + withEmail.body());
                var view = json(offHttp.api("GET", path, admin, null));
                assertEquals(14 * 86400, view.getLong("tag_expiration_s"), path);
                assertNotEquals("changed@example.com", view.getString("email"), path);
                // other changes still work
                assertEquals(200, offHttp.api("PUT", path, admin, new JsonObject()).statusCode(), path);
            }
            var offFixtures = new Fixtures(off);
            offFixtures.flushUsageLog();
            assertEquals(0L, offFixtures.query("""
                    SELECT count(*) FROM usage_log WHERE kind IN ('user_change_tag_expiration', 'org_change_tag_expiration')""",
                    Tuple.tuple()).get(0).getLong(0));
        }
    }

    /** The {@code tag_expiration} of each entry of that kind whose metadata names the account. */
    static List<Long> logged(String kind, String key, String name) {
        fixtures.flushUsageLog();
        return fixtures.query("SELECT metadata FROM usage_log WHERE kind = $1 AND metadata ->> $2 = $3 ORDER BY id",
                        Tuple.of(kind, key, name))
                .stream().map(row -> row.getJsonObject(0).getLong("tag_expiration")).toList();
    }
}
