package io.berth.registry.iam;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import static io.berth.registry.testing.RegistryHttp.ok;
import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Repository permissions of users, robots and teams (quay-api.md §3.6) and default permissions (§3.7). */
class PermissionApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        alice = http.initialize("alice", "alice-password");
        for (String user : List.of("bob", "carol", "dave")) server.createUser(user, user + "-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String message(HttpResponse<String> r) {
        return json(r).getString("message");
    }

    static void repository(String token, String namespace, String name) {
        ok(http.api("POST", "/repository", token, new JsonObject().put("namespace", namespace).put("repository", name)
                .put("visibility", "private").put("description", "")));
    }

    static HttpResponse<String> grant(String repo, String kind, String name, String role) {
        return http.api("PUT", "/repository/" + repo + "/permissions/" + kind + "/" + name, alice,
                new JsonObject().put("role", role));
    }

    @Test
    void usersAndRobotsGetRolesTheOwnerAlwaysAdmin() {
        repository(alice, "alice", "app");
        var owner = json(ok(http.api("GET", "/repository/alice/app/permissions/user/", alice, null)));
        assertEquals(Set.of("alice"), owner.getJsonObject("permissions").fieldNames());
        assertEquals("admin", owner.getJsonObject("permissions").getJsonObject("alice").getString("role"));

        var granted = json(ok(grant("alice/app", "user", "bob", "read")));
        assertEquals("read", granted.getString("role"));
        assertEquals("bob", granted.getString("name"));
        assertFalse(granted.getBoolean("is_robot"));
        assertFalse(granted.containsKey("is_org_member"), "only for organization repositories");
        ok(grant("alice/app", "user", "bob", "write"));
        assertEquals("write", json(ok(http.api("GET", "/repository/alice/app/permissions/user/bob", alice, null)))
                .getString("role"));
        assertEquals(200, http.api("GET", "/repository/alice/app", server.oauthToken("bob"), null).statusCode());

        var ownerChange = grant("alice/app", "user", "alice", "read");
        assertEquals(400, ownerChange.statusCode());
        assertEquals("Namespace owner must always be admin.", message(ownerChange));
        assertEquals("Namespace owner must always be admin.",
                message(http.api("DELETE", "/repository/alice/app/permissions/user/alice", alice, null)));
        assertEquals("Invalid username: nobody", message(grant("alice/app", "user", "nobody", "read")));

        ok(http.api("PUT", "/user/robots/ci", alice, null));
        assertTrue(json(ok(grant("alice/app", "user", "alice+ci", "write"))).getBoolean("is_robot"));
        ok(http.api("PUT", "/user/robots/bot", server.oauthToken("bob"), null));
        var foreignRobot = grant("alice/app", "user", "bob+bot", "read");
        assertEquals(400, foreignRobot.statusCode());
        assertEquals("Cannot add robot bob+bot under namespace alice", message(foreignRobot));

        assertEquals(204, http.api("DELETE", "/repository/alice/app/permissions/user/bob", alice, null).statusCode());
        assertEquals(404, http.api("GET", "/repository/alice/app/permissions/user/bob", alice, null).statusCode());
        var again = http.api("DELETE", "/repository/alice/app/permissions/user/bob", alice, null);
        assertEquals(400, again.statusCode());
        assertEquals("User does not have permission for repo.", message(again));
        assertEquals(403, http.api("GET", "/repository/alice/app", server.oauthToken("bob"), null).statusCode());

        assertEquals(403, http.api("GET", "/repository/alice/app/permissions/user/", server.oauthToken("bob"), null)
                .statusCode());
        assertEquals(401, http.api("GET", "/repository/alice/app/permissions/user/", null, null).statusCode());
        assertEquals(List.of("create_repo", "add_repo_permission", "change_repo_permission", "add_repo_permission",
                "delete_repo_permission"), fixtures.logKinds("alice").stream()
                .filter(k -> k.contains("repo")).toList());
    }

    @Test
    void teamsHoldRolesAndTheTransitiveViewAddsThemUp() {
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "perms")).statusCode());
        ok(http.api("PUT", "/organization/perms/team/devs", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/perms/team/devs/members/bob", alice, null));
        repository(alice, "perms", "app");

        assertEquals("write", json(ok(grant("perms/app", "team", "devs", "write"))).getString("role"));
        ok(grant("perms/app", "user", "bob", "read"));
        ok(grant("perms/app", "user", "carol", "read"));
        var users = json(ok(http.api("GET", "/repository/perms/app/permissions/user/", alice, null)))
                .getJsonObject("permissions");
        assertTrue(users.getJsonObject("bob").getBoolean("is_org_member"));
        assertFalse(users.getJsonObject("carol").getBoolean("is_org_member"));
        var teams = json(ok(http.api("GET", "/repository/perms/app/permissions/team/", alice, null)));
        assertEquals("write", teams.getJsonObject("permissions").getJsonObject("devs").getString("role"));

        var transitive = json(ok(http.api("GET", "/repository/perms/app/permissions/user/bob/transitive", alice, null)));
        assertEquals(Set.of("read", "write"), transitive.getJsonArray("permissions").stream()
                .map(o -> ((JsonObject) o).getString("role")).collect(java.util.stream.Collectors.toSet()));
        assertEquals(404, http.api("GET", "/repository/perms/app/permissions/user/dave/transitive", alice, null)
                .statusCode());

        var ghost = grant("perms/app", "team", "ghosts", "read");
        assertEquals(400, ghost.statusCode());
        assertEquals("No team ghosts in organization perms", message(ghost));
        assertEquals(204, http.api("DELETE", "/repository/perms/app/permissions/team/devs", alice, null).statusCode());
        assertEquals(404, http.api("GET", "/repository/perms/app/permissions/team/devs", alice, null).statusCode());
        assertEquals(List.of("read"), json(ok(http.api("GET", "/repository/perms/app/permissions/user/bob/transitive",
                alice, null))).getJsonArray("permissions").stream().map(o -> ((JsonObject) o).getString("role")).toList());
    }

    @Test
    void defaultPermissionsApplyToRepositoriesOthersCreateByApiOrPush() {
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "proto")).statusCode());
        ok(http.api("PUT", "/organization/proto/team/readers", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/proto/team/makers", alice, new JsonObject().put("role", "creator")));
        ok(http.api("PUT", "/organization/proto/team/makers/members/carol", alice, null));
        ok(http.api("PUT", "/organization/proto/team/makers/members/dave", alice, null));

        var general = json(ok(http.api("POST", "/organization/proto/prototypes", alice, new JsonObject().put("role", "write")
                .put("delegate", new JsonObject().put("name", "readers").put("kind", "team")))));
        assertEquals("team", general.getJsonObject("delegate").getString("kind"));
        assertEquals(null, general.getValue("activating_user"));
        var forCarol = json(ok(http.api("POST", "/organization/proto/prototypes", alice, new JsonObject()
                .put("role", "admin").put("delegate", new JsonObject().put("name", "bob").put("kind", "user"))
                .put("activating_user", new JsonObject().put("name", "carol")))));
        assertEquals("carol", forCarol.getJsonObject("activating_user").getString("name"));
        assertEquals(2, json(ok(http.api("GET", "/organization/proto/prototypes", alice, null)))
                .getJsonArray("prototypes").size());

        repository(server.oauthToken("carol"), "proto", "by-carol");
        Blobs.push(http, "proto/by-dave", http.token("dave", "dave-password", "repository:proto/by-dave:pull,push"),
                Blobs.random(32, 7));

        assertEquals("admin", roleOf("proto/by-carol", "user", "bob"), "carol's prototype names bob");
        assertEquals("write", roleOf("proto/by-carol", "team", "readers"));
        assertEquals("admin", roleOf("proto/by-carol", "user", "carol"), "the creator is admin");
        assertEquals(null, roleOf("proto/by-dave", "user", "bob"), "dave is not carol");
        assertEquals("write", roleOf("proto/by-dave", "team", "readers"), "the push applied the general prototype");

        String id = general.getString("id");
        assertEquals("read", json(ok(http.api("PUT", "/organization/proto/prototypes/" + id, alice,
                new JsonObject().put("role", "read")))).getString("role"));
        assertEquals(204, http.api("DELETE", "/organization/proto/prototypes/" + id, alice, null).statusCode());
        assertEquals(404, http.api("DELETE", "/organization/proto/prototypes/" + id, alice, null).statusCode());
        assertEquals(404, http.api("PUT", "/organization/proto/prototypes/not-a-uuid", alice,
                new JsonObject().put("role", "read")).statusCode());
        assertEquals(403, http.api("GET", "/organization/proto/prototypes", server.oauthToken("carol"), null)
                .statusCode());

        assertEquals(List.of("create_prototype_permission", "create_prototype_permission", "modify_prototype_permission",
                "delete_prototype_permission"), fixtures.logKinds("proto").stream()
                .filter(k -> k.contains("prototype")).toList());
    }

    @Test
    void prototypesNeedAKnownDelegateAndActivatingUser() {
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "strict")).statusCode());
        var unknownActivator = http.api("POST", "/organization/strict/prototypes", alice, new JsonObject().put("role", "read")
                .put("delegate", new JsonObject().put("name", "bob").put("kind", "user"))
                .put("activating_user", new JsonObject().put("name", "ghost")));
        assertEquals("Unknown activating user", message(unknownActivator));
        var unknownTeam = http.api("POST", "/organization/strict/prototypes", alice, new JsonObject().put("role", "read")
                .put("delegate", new JsonObject().put("name", "ghosts").put("kind", "team")));
        assertEquals("Missing delegate user or team", message(unknownTeam));
        var badRole = http.api("POST", "/organization/strict/prototypes", alice, new JsonObject().put("role", "owner")
                .put("delegate", new JsonObject().put("name", "bob").put("kind", "user")));
        assertEquals(400, badRole.statusCode());
        var first = http.api("POST", "/organization/strict/prototypes", alice, new JsonObject().put("role", "read")
                .put("delegate", new JsonObject().put("name", "bob").put("kind", "user")));
        assertEquals(200, first.statusCode(), first.body());
        var duplicate = http.api("POST", "/organization/strict/prototypes", alice, new JsonObject().put("role", "write")
                .put("delegate", new JsonObject().put("name", "bob").put("kind", "user")));
        assertEquals(400, duplicate.statusCode());
        assertEquals(new JsonArray().add(json(first)), json(ok(http.api("GET", "/organization/strict/prototypes", alice,
                null))).getJsonArray("prototypes"), "nothing but the first was created");
    }

    /** A role on a repository, read through the permissions API; null when there is none. */
    static String roleOf(String repo, String kind, String name) {
        var r = http.api("GET", "/repository/" + repo + "/permissions/" + kind + "/" + name, alice, null);
        if (r.statusCode() == 404) return null;
        return json(ok(r)).getString("role");
    }
}
