package io.berth.registry.iam;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        server.createUser("bob", "bob-password");
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
}
