package io.berth.registry.iam;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Robot accounts of users and organizations (quay-api.md §3.4). */
class RobotApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        alice = http.initialize("alice", "alice-password");
        server.createUser("bob", "bob-password");
        bob = server.oauthToken("bob");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject ok(HttpResponse<String> r) {
        return RegistryHttp.json(RegistryHttp.ok(r));
    }

    @Test
    void aUsersRobotIsCreatedReadRegeneratedAndDeleted() {
        var created = http.api("PUT", "/user/robots/builder", alice, new JsonObject().put("description", "CI builds")
                .put("unstructured_metadata", new JsonObject().put("pipeline", "main")));
        assertEquals(201, created.statusCode(), created.body());
        var robot = new JsonObject(created.body());
        assertEquals("alice+builder", robot.getString("name"));
        assertEquals("CI builds", robot.getString("description"));
        assertEquals(new JsonObject().put("pipeline", "main"), robot.getJsonObject("unstructured_metadata"));
        assertNotNull(robot.getString("created"));
        String token = robot.getString("token");
        assertTrue(token.matches("[A-Z0-9]{64}"), token);

        String sealed = fixtures.query("""
                SELECT r.token_sealed FROM robot r JOIN account a ON a.id = r.account_id WHERE a.username = $1""",
                Tuple.of("alice+builder")).get(0).getString(0);
        assertFalse(sealed.contains(token), "the token is encrypted at rest");
        assertEquals(token, ok(http.api("GET", "/user/robots/builder", alice, null)).getString("token"),
                "the admin reads the token again");

        var listed = ok(http.api("GET", "/user/robots", alice, null)).getJsonArray("robots");
        assertEquals(token, listed.getJsonObject(0).getString("token"));
        var withoutTokens = ok(http.api("GET", "/user/robots?token=false", alice, null)).getJsonArray("robots");
        assertNull(withoutTokens.getJsonObject(0).getString("token"));

        assertNull(robot.getString("last_accessed"));
        assertNotNull(http.token("alice+builder", token), "the robot logs in on /v2/auth");
        assertNotNull(ok(http.api("GET", "/user/robots/builder", alice, null)).getString("last_accessed"));

        String fresh = ok(http.api("POST", "/user/robots/builder/regenerate", alice, null)).getString("token");
        assertNotEquals(token, fresh);
        assertTrue(fresh.matches("[A-Z0-9]{64}"));
        assertEquals(fresh, ok(http.api("GET", "/user/robots/builder", alice, null)).getString("token"));

        assertEquals(204, http.api("DELETE", "/user/robots/builder", alice, null).statusCode());
        var gone = http.api("GET", "/user/robots/builder", alice, null);
        assertEquals(404, gone.statusCode());
        assertEquals("Could not find robot with username: alice+builder", new JsonObject(gone.body()).getString("message"));
        fixtures.flushUsageLog();
        assertEquals(List.of("create_robot", "regenerate_robot_token", "delete_robot"), fixtures.query(
                "SELECT kind FROM usage_log WHERE metadata->>'robot' = 'alice+builder' ORDER BY id", Tuple.tuple())
                .stream().map(r -> r.getString(0)).toList());
    }

    @Test
    void aRobotWithPermissionsListsThem() {
        ok(http.api("PUT", "/user/robots/reader", alice, null));
        ok(http.api("POST", "/repository", alice, new JsonObject().put("repository", "docs").put("visibility", "public")
                .put("description", "")));
        ok(http.api("PUT", "/repository/alice/docs/permissions/user/alice+reader", alice,
                new JsonObject().put("role", "read")));
        var permissions = ok(http.api("GET", "/user/robots/reader/permissions", alice, null));
        assertEquals(new JsonArray().add(new JsonObject().put("repository",
                        new JsonObject().put("name", "docs").put("is_public", true)).put("role", "read")),
                permissions.getJsonArray("permissions"));
        var listed = ok(http.api("GET", "/user/robots?permissions=true", alice, null)).getJsonArray("robots").stream()
                .map(o -> (JsonObject) o).filter(r -> r.getString("name").equals("alice+reader")).findFirst().orElseThrow();
        assertEquals(new JsonArray().add("docs"), listed.getJsonArray("repositories"));
        assertEquals(new JsonArray(), listed.getJsonArray("teams"));
    }

    @Test
    void anOrganizationsRobotsAreListedToMembersWithoutTheirTokens() {
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "fleet")).statusCode());
        var created = ok(http.api("PUT", "/organization/fleet/robots/deployer", alice, null));
        assertEquals("fleet+deployer", created.getString("name"));
        ok(http.api("PUT", "/organization/fleet/team/viewers", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/fleet/team/viewers/members/bob", alice, null));

        var asMember = ok(http.api("GET", "/organization/fleet/robots?permissions=true", bob, null))
                .getJsonArray("robots").getJsonObject(0);
        assertEquals("fleet+deployer", asMember.getString("name"));
        assertNull(asMember.getString("token"), "members do not see tokens");
        assertNull(asMember.getJsonArray("repositories"), "nor permissions");
        assertEquals(403, http.api("GET", "/organization/fleet/robots/deployer", bob, null).statusCode());
        assertEquals(403, http.api("PUT", "/organization/fleet/robots/other", bob, null).statusCode());
        assertEquals(401, http.api("GET", "/organization/fleet/robots", null, null).statusCode());
        server.createUser("stranger", "stranger-password");
        assertEquals(403, http.api("GET", "/organization/fleet/robots", server.oauthToken("stranger"), null)
                .statusCode());

        var duplicate = http.api("PUT", "/organization/fleet/robots/deployer", alice, null);
        assertEquals(400, duplicate.statusCode());
        assertEquals("Existing robot with name: fleet+deployer", new JsonObject(duplicate.body()).getString("message"));
        assertEquals(List.of("org_create", "create_robot", "org_create_team", "org_add_team_member"),
                fixtures.logKinds("fleet"));
    }

    @Test
    void credentialsComeInEveryFormatQuayOffers() {
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "shipping"))
                .statusCode());
        String token = ok(http.api("PUT", "/organization/shipping/robots/pusher", alice, null)).getString("token");
        var credentials = ok(http.api("GET", "/organization/shipping/robots/pusher/credentials", alice, null));
        String registry = server.hostPort();
        assertEquals(token, credentials.getString("token"));
        assertEquals("docker login -u='shipping+pusher' -p='" + token + "' " + registry,
                credentials.getString("docker_login"));
        String auth = credentials.getJsonObject("docker_config").getJsonObject("auths").getJsonObject(registry)
                .getString("auth");
        assertEquals("shipping+pusher:" + token, new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
        assertTrue(credentials.getString("kubernetes_secret").contains("name: shipping-pusher-pull-secret"));
        assertEquals(token, credentials.getJsonObject("rkt").getJsonObject("credentials").getString("password"));
        assertTrue(Base64.getDecoder().decode(credentials.getString("mesos_tarball")).length > 0);
        assertEquals(403, http.api("GET", "/organization/shipping/robots/pusher/credentials", bob, null).statusCode());
    }
}
