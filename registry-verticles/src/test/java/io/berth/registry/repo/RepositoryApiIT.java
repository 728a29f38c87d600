package io.berth.registry.repo;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryApiIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        alice = initialize("alice");
        server.createUser("bob", "bob-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String initialize(String name) {
        var r = http.send(json("POST", "/api/v1/user/initialize", null, new JsonObject().put("username", name)
                .put("password", name + "-password").put("email", name + "@example.com").put("access_token", true)));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("access_token");
    }

    static HttpRequest json(String method, String path, String token, JsonObject body) {
        return http.request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    static HttpResponse<String> get(String path, String token) {
        return http.send(http.request(path, token).build());
    }

    @Test
    void createViewUpdateAndDelete() {
        var created = http.send(json("POST", "/api/v1/repository", alice, new JsonObject()
                .put("repository", "web/frontend").put("visibility", "private").put("description", "the UI")));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(new JsonObject().put("namespace", "alice").put("name", "web/frontend").put("kind", "image"),
                new JsonObject(created.body()));

        var again = http.send(json("POST", "/api/v1/repository", alice, new JsonObject()
                .put("repository", "web/frontend").put("visibility", "private").put("description", "")));
        assertEquals(400, again.statusCode());
        assertEquals("Repository already exists", new JsonObject(again.body()).getString("message"));

        var view = get("/api/v1/repository/alice/web/frontend", alice);
        assertEquals(200, view.statusCode(), view.body());
        var v = new JsonObject(view.body());
        assertEquals("the UI", v.getString("description"));
        assertFalse(v.getBoolean("is_public"));
        assertTrue(v.getBoolean("can_admin"));

        var update = http.send(json("PUT", "/api/v1/repository/alice/web/frontend", alice,
                new JsonObject().put("description", "new words")));
        assertEquals(200, update.statusCode());
        assertEquals("new words", new JsonObject(get("/api/v1/repository/alice/web/frontend", alice).body()).getString("description"));

        var delete = http.send(http.request("/api/v1/repository/alice/web/frontend", alice).DELETE().build());
        assertEquals(204, delete.statusCode());
        assertEquals(404, get("/api/v1/repository/alice/web/frontend", alice).statusCode());
    }

    @Test
    void privateRepositoriesAreHiddenAndVisibilityCanChange() {
        assertEquals(201, http.send(json("POST", "/api/v1/repository", alice, new JsonObject()
                .put("repository", "secret").put("visibility", "private").put("description", ""))).statusCode());
        assertEquals(401, get("/api/v1/repository/alice/secret", null).statusCode());
        assertEquals(401, get("/api/v1/repository/alice/does-not-exist", null).statusCode(),
                "a missing repository looks like a private one");
        var explore = new JsonObject(get("/api/v1/repository?public=true", null).body());
        assertFalse(explore.encode().contains("\"secret\""));

        var change = http.send(json("POST", "/api/v1/repository/alice/secret/changevisibility", alice,
                new JsonObject().put("visibility", "public")));
        assertEquals(200, change.statusCode(), change.body());
        var anonymous = get("/api/v1/repository/alice/secret", null);
        assertEquals(200, anonymous.statusCode());
        assertFalse(new JsonObject(anonymous.body()).getBoolean("can_write"));
        assertTrue(get("/api/v1/repository?public=true", null).body().contains("\"secret\""));

        var bad = http.send(json("POST", "/api/v1/repository/alice/secret/changevisibility", alice,
                new JsonObject().put("visibility", "everyone")));
        assertEquals(400, bad.statusCode());
        var forged = http.send(json("PUT", "/api/v1/repository/alice/secret", null,
                new JsonObject().put("description", "defaced")));
        assertEquals(403, forged.statusCode(), "a write without a bearer token needs a session's CSRF token");
        var anonymousBrowser = new Browser(server);
        anonymousBrowser.csrfToken();
        assertEquals(401, anonymousBrowser.json("PUT", "/api/v1/repository/alice/secret",
                new JsonObject().put("description", "defaced")).statusCode());
    }

    @Test
    void listingNeedsAFilterAndPaginates() {
        assertEquals(400, get("/api/v1/repository", alice).statusCode());
        for (int i = 0; i < 105; i++) {
            assertEquals(201, http.send(json("POST", "/api/v1/repository", alice, new JsonObject()
                    .put("repository", "many-" + i).put("visibility", "private").put("description", ""))).statusCode());
        }
        var first = new JsonObject(get("/api/v1/repository?namespace=alice", alice).body());
        assertEquals(100, first.getJsonArray("repositories").size());
        String next = first.getString("next_page");
        var second = new JsonObject(get("/api/v1/repository?namespace=alice&next_page=" + next, alice).body());
        assertTrue(second.getJsonArray("repositories").size() >= 5);
        assertFalse(second.containsKey("next_page"));
        assertEquals(0, new JsonObject(get("/api/v1/repository?namespace=alice", null).body())
                .getJsonArray("repositories").stream().filter(o -> ((JsonObject) o).getString("name").startsWith("many-")).count());
        assertEquals(400, get("/api/v1/repository?namespace=alice&next_page=garbage!", alice).statusCode());
    }

    @Test
    void creatingInAnotherNamespaceIsForbidden() {
        var r = http.send(json("POST", "/api/v1/repository", alice, new JsonObject().put("namespace", "bob")
                .put("repository", "mine").put("visibility", "public").put("description", "")));
        assertEquals(403, r.statusCode(), r.body());
        var badName = http.send(json("POST", "/api/v1/repository", alice, new JsonObject()
                .put("repository", "Bad Name").put("visibility", "public").put("description", "")));
        assertEquals(400, badName.statusCode());
    }
}
