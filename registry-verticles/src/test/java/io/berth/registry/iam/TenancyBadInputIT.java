package io.berth.registry.iam;

import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Bad input to the tenancy API: invalid names, unknown users and teams, duplicates, over-long descriptions, wrong
 * types and malformed JSON are each a 4xx with a message saying what is wrong, and leave nothing half-created.
 */
class TenancyBadInputIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        alice = http.initialize("alice", "alice-password");
        server.createUser("bob", "bob-password");
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "acme")).statusCode());
        assertEquals(201, http.api("POST", "/repository", alice, new JsonObject().put("namespace", "acme")
                .put("repository", "app").put("visibility", "private").put("description", "")).statusCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void refused(HttpResponse<String> r, int status, String message) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(message, new JsonObject(r.body()).getString("message"));
    }

    static HttpResponse<String> call(String method, String path, JsonObject body) {
        return http.api(method, path, alice, body);
    }

    static HttpResponse<String> raw(String method, String path, String body) {
        return http.apiRaw(method, path, alice, body);
    }

    static boolean exists(String path) {
        return call("GET", path, null).statusCode() == 200;
    }

    @Test
    void organizations() {
        refused(call("POST", "/organization/", new JsonObject().put("name", "Not_Valid")), 400,
                "Invalid organization name Not_Valid: must be 2-255 characters of a-z, 0-9 and . _ - between them");
        refused(call("POST", "/organization/", new JsonObject().put("name", "x".repeat(256))), 400,
                "Invalid organization name " + "x".repeat(256)
                        + ": must be 2-255 characters of a-z, 0-9 and . _ - between them");
        refused(call("POST", "/organization/", new JsonObject().put("name", 42)), 400, "42 is not of type 'string'");
        refused(raw("POST", "/organization/", "{\"name\": "), 400, "Malformed JSON body");
        refused(raw("POST", "/organization/", "[\"acme2\"]"), 400, "The JSON body must be an object");
        refused(call("POST", "/organization/", new JsonObject().put("name", "acme")), 400,
                "A user or organization with this name already exists");
        refused(call("POST", "/organization/", new JsonObject().put("name", "bob")), 400,
                "A user or organization with this name already exists");
        refused(call("PUT", "/organization/acme", new JsonObject().put("invoice_email_address", "nope")), 400,
                "Invalid invoice email address");
        refused(call("POST", "/user/convert", new JsonObject().put("adminPassword", "x")), 400,
                "'adminUser' is a required property");
        assertEquals(403, call("GET", "/organization/ghost/members", null).statusCode(),
                "nobody administers a missing organization");
        assertEquals(404, call("GET", "/organization/ghost", null).statusCode());
    }

    @Test
    void teams() {
        refused(call("PUT", "/organization/acme/team/Bad_Team", new JsonObject().put("role", "member")), 400,
                "Invalid team name Bad_Team: must be 2-255 characters of a-z, 0-9 and . _ - between them");
        refused(call("PUT", "/organization/acme/team/devs", new JsonObject()), 400, "'role' is a required property");
        refused(call("PUT", "/organization/acme/team/devs", new JsonObject().put("role", "owner")), 400,
                "Invalid role owner: must be member, creator or admin");
        refused(call("PUT", "/organization/acme/team/devs", new JsonObject().put("role", "member")
                .put("description", "d".repeat(TeamService.MAX_DESCRIPTION + 1))), 400,
                "The team description must be at most 4096 characters");
        refused(call("PUT", "/organization/acme/team/devs", new JsonObject().put("role", "member")
                .put("description", 7)), 400, "7 is not of type 'string'");
        refused(raw("PUT", "/organization/acme/team/devs", "{role: member}"), 400, "Malformed JSON body");
        refused(call("PUT", "/organization/acme/team/devs", null), 400, "Missing JSON body");
        var teams = new JsonObject(call("GET", "/organization/acme", null).body()).getJsonObject("teams");
        assertFalse(teams.containsKey("devs"), "no failed call created the team");

        assertEquals(200, call("PUT", "/organization/acme/team/devs", new JsonObject().put("role", "member")).statusCode());
        refused(call("PUT", "/organization/acme/team/devs/members/nobody", null), 400, "Unknown user");
        refused(call("PUT", "/organization/acme/team/devs/members/acme", null), 400, "Unknown user");
        refused(call("PUT", "/organization/acme/team/ghosts/members/bob", null), 404,
                "Team 'ghosts' is not a team in org 'acme'");
        refused(call("DELETE", "/organization/acme/team/ghosts", null), 404, "Team 'ghosts' is not a team in org 'acme'");
        assertEquals(200, call("PUT", "/organization/acme/team/devs/members/bob", null).statusCode());
        refused(call("PUT", "/organization/acme/team/devs/members/bob", null), 400,
                "User 'bob' is already a member of team 'devs'");
        refused(call("DELETE", "/organization/acme/team/devs/members/nobody", null), 400, "Unknown user");
        refused(call("PUT", "/teaminvite/not-a-code", null), 404, "Invalid confirmation code.");
        assertEquals(404, call("PUT", "/organization/acme/team/devs/invite/x@example.com", null).statusCode(),
                "e-mail invitations need mailing");
    }

    @Test
    void robots() {
        refused(call("PUT", "/user/robots/Bad_Robot", null), 400,
                "Invalid robot account name Bad_Robot: must be 2-255 characters of a-z, 0-9 and . _ - between them");
        refused(call("PUT", "/user/robots/b", null), 400,
                "Invalid robot account name b: must be 2-255 characters of a-z, 0-9 and . _ - between them");
        refused(call("PUT", "/user/robots/wordy", new JsonObject().put("description", "w".repeat(256))), 400,
                "The robot description must be at most 255 characters");
        refused(call("PUT", "/user/robots/wordy", new JsonObject().put("unstructured_metadata", "text")), 400,
                "text is not of type 'object'");
        refused(raw("PUT", "/user/robots/wordy", "{\"description\": \"x\""), 400, "Malformed JSON body");
        assertFalse(exists("/user/robots/wordy"), "no failed call created the robot");
        assertEquals(201, call("PUT", "/user/robots/wordy", null).statusCode());
        refused(call("PUT", "/user/robots/wordy", null), 400, "Existing robot with name: alice+wordy");
        refused(call("POST", "/user/robots/ghost/regenerate", null), 404,
                "Could not find robot with username: alice+ghost");
        refused(call("GET", "/user/robots?limit=zero", null), 400, "limit must be a positive number");
    }

    @Test
    void permissions() {
        String user = "/repository/acme/app/permissions/user/";
        refused(call("PUT", user + "bob", new JsonObject().put("role", "owner")), 400,
                "Invalid role owner: must be read, write or admin");
        refused(call("PUT", user + "bob", new JsonObject()), 400, "'role' is a required property");
        refused(call("PUT", user + "bob", new JsonObject().put("role", 3)), 400, "3 is not of type 'string'");
        refused(raw("PUT", user + "bob", "role=read"), 400, "The JSON body must be an object");
        refused(call("PUT", user + "nobody", new JsonObject().put("role", "read")), 400, "Invalid username: nobody");
        refused(call("PUT", user + "acme", new JsonObject().put("role", "read")), 400,
                "Namespace owner must always be admin.");
        assertEquals(404, call("GET", user + "bob", null).statusCode(), "no failed call granted anything");
        refused(call("PUT", "/repository/acme/app/permissions/team/ghosts", new JsonObject().put("role", "read")), 400,
                "No team ghosts in organization acme");
        refused(call("DELETE", "/repository/acme/app/permissions/team/ghosts", null), 400,
                "No team ghosts in organization acme");
        assertEquals(404, call("GET", "/repository/acme/missing/permissions/user/", null).statusCode(),
                "the organization's admin learns that it is missing");
        assertEquals(403, http.api("GET", "/repository/acme/missing/permissions/user/", server.oauthToken("bob"), null)
                .statusCode(), "to others a missing repository looks like one they may not see");
        refused(raw("POST", "/organization/acme/prototypes", "{"), 400, "Malformed JSON body");
        refused(call("POST", "/organization/acme/prototypes", new JsonObject().put("role", "read")
                .put("delegate", "bob")), 400, "bob is not of type 'object'");
    }
}
