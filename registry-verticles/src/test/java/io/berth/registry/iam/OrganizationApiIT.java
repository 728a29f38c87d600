package io.berth.registry.iam;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.registry.testing.Fixtures;
import io.vertx.core.json.JsonArray;

import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.List;

import static io.berth.registry.testing.RegistryHttp.ok;
import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrganizationApiIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        var r = http.send(post("/api/v1/user/initialize", null, new JsonObject().put("username", "alice")
                .put("password", "alice-password").put("email", "alice@example.com").put("access_token", true)));
        alice = new JsonObject(r.body()).getString("access_token");
        for (String user : List.of("bob", "carol", "frank", "gina")) server.createUser(user, user + "-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpRequest post(String path, String token, JsonObject body) {
        return http.request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    @Test
    void creatorAdministersTheNewOrganization() {
        var r = http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "acme").put("email", "ops@acme.test")));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("\"Created\"", r.body());

        var view = new JsonObject(http.send(http.request("/api/v1/organization/acme", alice).build()).body());
        assertTrue(view.getBoolean("is_admin"));
        var mine = new JsonObject(http.send(http.request("/api/v1/user/", alice).build()).body())
                .getJsonArray("organizations").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("name").equals("acme")).findFirst().orElseThrow();
        assertTrue(mine.getBoolean("is_org_admin"));
        assertTrue(mine.getBoolean("can_create_repo"));
        assertEquals("ops@acme.test", view.getString("email"));
        var outsider = new JsonObject(http.send(http.request("/api/v1/organization/acme", null).build()).body());
        assertFalse(outsider.getBoolean("is_admin"));
        assertFalse(outsider.containsKey("email"));

        var repo = http.send(post("/api/v1/repository", alice, new JsonObject().put("namespace", "acme")
                .put("repository", "api").put("visibility", "private").put("description", "")));
        assertEquals(201, repo.statusCode(), repo.body());
        assertTrue(new JsonObject(http.send(http.request("/api/v1/repository/acme/api", alice).build()).body())
                .getBoolean("can_admin"));
    }

    @Test
    void onlyMembersWithTheRightRolePushIntoAnOrganization() {
        assertEquals(201, http.send(post("/api/v1/organization/", alice,
                new JsonObject().put("name", "pushers").put("email", "p@pushers.test"))).statusCode());
        String aliceToken = http.token("alice", "alice-password", "repository:pushers/app:pull,push");
        assertTrue(actions(aliceToken).contains("push"));
        String bobToken = http.token("bob", "bob-password", "repository:pushers/app:pull,push");
        assertFalse(actions(bobToken).contains("push"), "a stranger gets no push on someone else's organization");
        var upload = http.send(http.request("/v2/pushers/app/blobs/uploads/", bobToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(401, upload.statusCode());
    }

    @Test
    void badInputIsRefused() {
        assertEquals(403, http.send(post("/api/v1/organization/", null, new JsonObject().put("name", "anon"))).statusCode(),
                "no bearer token and no CSRF token");
        var anonymous = new Browser(server);
        anonymous.csrfToken();
        assertEquals(401, anonymous.json("POST", "/api/v1/organization/", new JsonObject().put("name", "anon")).statusCode());
        var taken = http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "bob")));
        assertEquals(400, taken.statusCode());
        assertEquals("A user or organization with this name already exists", new JsonObject(taken.body()).getString("message"));
        assertEquals(400, http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "X"))).statusCode());
        assertEquals(400, http.send(post("/api/v1/organization/", alice,
                new JsonObject().put("name", "mailtest").put("email", "not-an-email"))).statusCode());
        assertEquals(400, http.send(post("/api/v1/organization/", alice,
                new JsonObject().put("name", "mine").put("email", "alice@example.com"))).statusCode());
        assertEquals(404, http.send(http.request("/api/v1/organization/alice", alice).build()).statusCode());
    }

    /** The actions the registry token grants, read from its payload. */
    private static String actions(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        return new JsonObject(payload).getJsonArray("access").getJsonObject(0).getJsonArray("actions").encode();
    }

    @Test
    void adminsUpdateTheSettings() {
        assertEquals(201, http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "settled")
                .put("email", "old@settled.test"))).statusCode());
        var view = json(ok(http.api("PUT", "/organization/settled", alice, new JsonObject()
                .put("email", "new@settled.test").put("invoice_email", true)
                .put("invoice_email_address", "billing@settled.test"))));
        assertEquals("new@settled.test", view.getString("email"));
        assertTrue(view.getBoolean("invoice_email"));
        assertEquals("billing@settled.test", view.getString("invoice_email_address"));
        assertEquals("billing@settled.test", json(ok(http.api("GET", "/organization/settled", alice, null)))
                .getString("invoice_email_address"));

        assertEquals(403, http.api("PUT", "/organization/settled", server.oauthToken("bob"),
                new JsonObject().put("invoice_email", false)).statusCode());
        assertEquals(403, http.api("PUT", "/organization/settled", null, new JsonObject()).statusCode(),
                "refused (for want of a CSRF token) without a token");
        assertEquals("Invalid email address", json(http.api("PUT", "/organization/settled", alice,
                new JsonObject().put("email", "nope"))).getString("message"));
        assertEquals("yes is not of type 'boolean'", json(http.api("PUT", "/organization/settled", alice,
                new JsonObject().put("invoice_email", "yes"))).getString("message"));
        assertEquals("E-mail address already used", json(http.api("PUT", "/organization/settled", alice,
                new JsonObject().put("email", "bob@example.com"))).getString("message"));
        assertEquals(List.of("org_create", "org_change_email", "org_change_invoicing"),
                new Fixtures(server).logKinds("settled"));
    }

    @Test
    void membersCollaboratorsAndRemovingAMember() {
        assertEquals(201, http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "crew")))
                .statusCode());
        ok(http.api("PUT", "/organization/crew/team/devs", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/crew/team/devs/members/bob", alice, null));
        ok(http.api("PUT", "/organization/crew/robots/bot", alice, null));
        ok(http.api("PUT", "/organization/crew/team/devs/members/crew+bot", alice, null));
        ok(http.api("POST", "/repository", alice, new JsonObject().put("namespace", "crew").put("repository", "app")
                .put("visibility", "private").put("description", "")));
        for (String user : List.of("bob", "carol")) {
            ok(http.api("PUT", "/repository/crew/app/permissions/user/" + user, alice, new JsonObject().put("role", "read")));
        }

        var members = json(ok(http.api("GET", "/organization/crew/members", alice, null))).getJsonArray("members");
        assertEquals(List.of("alice", "bob"), members.stream().map(m -> ((JsonObject) m).getString("name")).toList(),
                "robots are no members in this listing, collaborators neither");
        var bob = members.getJsonObject(1);
        assertEquals("devs", bob.getJsonArray("teams").getJsonObject(0).getString("name"));
        assertEquals(new JsonArray().add("app"), bob.getJsonArray("repositories"));
        var collaborators = json(ok(http.api("GET", "/organization/crew/collaborators", alice, null)))
                .getJsonArray("collaborators");
        assertEquals(1, collaborators.size());
        assertEquals("carol", collaborators.getJsonObject(0).getString("name"));
        assertEquals(new JsonArray().add("app"), collaborators.getJsonObject(0).getJsonArray("repositories"));

        assertEquals("user", json(ok(http.api("GET", "/organization/crew/members/bob", alice, null))).getString("kind"));
        assertEquals("robot", json(ok(http.api("GET", "/organization/crew/members/crew+bot", alice, null)))
                .getString("kind"));
        assertEquals(404, http.api("GET", "/organization/crew/members/carol", alice, null).statusCode());
        assertEquals(403, http.api("GET", "/organization/crew/members", server.oauthToken("bob"), null).statusCode());

        assertEquals(204, http.api("DELETE", "/organization/crew/members/bob", alice, null).statusCode());
        assertEquals(404, http.api("GET", "/organization/crew/members/bob", alice, null).statusCode());
        assertEquals(403, http.api("GET", "/repository/crew/app", server.oauthToken("bob"), null).statusCode());
        assertEquals(204, http.api("DELETE", "/organization/crew/members/carol", alice, null).statusCode());
        assertEquals(0, json(ok(http.api("GET", "/organization/crew/collaborators", alice, null)))
                .getJsonArray("collaborators").size());
        assertEquals(404, http.api("DELETE", "/organization/crew/members/carol", alice, null).statusCode());
        assertEquals(List.of("org_remove_team_member", "delete_repo_permission", "delete_repo_permission"),
                new Fixtures(server).logKinds("crew").stream().filter(k -> k.startsWith("org_remove")
                        || k.startsWith("delete_")).toList());
    }

    @Test
    void aUserConvertsIntoAnOrganizationAdministeredByAnotherUser() {
        String frank = server.oauthToken("frank");
        ok(http.api("POST", "/repository", frank, new JsonObject().put("repository", "tools")
                .put("visibility", "private").put("description", "")));
        ok(http.api("POST", "/repository", alice, new JsonObject().put("repository", "shared")
                .put("visibility", "private").put("description", "")));
        ok(http.api("PUT", "/repository/alice/shared/permissions/user/frank", alice, new JsonObject().put("role", "read")));

        var wrongPassword = http.api("POST", "/user/convert", frank, new JsonObject().put("adminUser", "bob")
                .put("adminPassword", "wrong"));
        assertEquals(400, wrongPassword.statusCode());
        assertEquals("The admin user credentials are not valid", json(wrongPassword).getString("message"));
        var self = http.api("POST", "/user/convert", frank, new JsonObject().put("adminUser", "frank")
                .put("adminPassword", "frank-password"));
        assertEquals("The admin user is not valid", json(self).getString("message"));

        ok(http.api("POST", "/user/convert", frank, new JsonObject().put("adminUser", "bob")
                .put("adminPassword", "bob-password")));

        assertEquals(401, http.api("GET", "/user/", frank, null).statusCode(), "nobody signs in as an organization");
        var login = http.send(http.request(server.baseUrl() + "/v2/auth?service=" + server.hostPort(), null)
                .header("Authorization", RegistryHttp.basic("frank", "frank-password")).build());
        assertEquals(401, login.statusCode());
        String bob = server.oauthToken("bob");
        var view = json(ok(http.api("GET", "/organization/frank", bob, null)));
        assertTrue(view.getBoolean("is_admin"));
        assertEquals(List.of("owners"), view.getJsonArray("ordered_teams").getList());
        assertTrue(json(ok(http.api("GET", "/repository/frank/tools", bob, null))).getBoolean("can_admin"));
        assertNull(json(ok(http.api("GET", "/repository/alice/shared/permissions/user/", alice, null)))
                .getJsonObject("permissions").getJsonObject("frank"), "the user's permissions elsewhere are dropped");
        assertEquals("account_convert", new Fixtures(server).logKinds("frank").getLast());
    }

    @Test
    void aMemberOfAnOrganizationCannotBeConverted() {
        assertEquals(201, http.send(post("/api/v1/organization/", alice, new JsonObject().put("name", "club")))
                .statusCode());
        ok(http.api("PUT", "/organization/club/team/owners/members/gina", alice, null));
        var refused = http.api("POST", "/user/convert", server.oauthToken("gina"), new JsonObject()
                .put("adminUser", "bob").put("adminPassword", "bob-password"));
        assertEquals(400, refused.statusCode());
        assertTrue(json(refused).getString("message").startsWith("Cannot convert an account that is a member"));
        assertEquals(200, http.api("GET", "/user/", server.oauthToken("gina"), null).statusCode(), "still a user");
    }
}
