package io.berth.registry.iam;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserApiIT {
    static TestServer server;
    static RegistryHttp http;
    static String accessToken;
    static String encryptedPassword;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SUPER_USERS", java.util.List.of("admin")));
        http = new RegistryHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpRequest post(String path, String token, JsonObject body) {
        return http.request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    @Test
    @Order(1)
    void initializeRejectsBadInputWithoutCreatingAnyone() {
        var weak = http.send(post("/api/v1/user/initialize", null,
                new JsonObject().put("username", "admin").put("password", "short")));
        assertEquals(400, weak.statusCode(), weak.body());
        assertTrue(new JsonObject(weak.body()).getString("message").contains("password"));
        var malformed = http.send(http.request("/api/v1/user/initialize", null)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{nope")).build());
        assertEquals(400, malformed.statusCode());
    }

    @Test
    @Order(2)
    void initializeCreatesFirstUserWithToken() {
        var r = http.send(post("/api/v1/user/initialize", null, new JsonObject().put("username", "admin")
                .put("password", "adminpass1").put("email", "admin@example.com").put("access_token", true)));
        assertEquals(200, r.statusCode(), r.body());
        var body = new JsonObject(r.body());
        assertEquals("admin", body.getString("username"));
        assertEquals("admin@example.com", body.getString("email"));
        accessToken = body.getString("access_token");
        encryptedPassword = body.getString("encrypted_password");
        assertEquals(40, accessToken.length());
        assertNotNull(encryptedPassword);
    }

    @Test
    @Order(3)
    void secondInitializeIsRefused() {
        var r = http.send(post("/api/v1/user/initialize", null,
                new JsonObject().put("username", "other").put("password", "otherpass1")));
        assertEquals(400, r.statusCode());
        assertEquals("Cannot initialize user in a non-empty database", new JsonObject(r.body()).getString("message"));
    }

    @Test
    @Order(4)
    void tokenShowsCurrentUser() {
        var r = http.send(http.request("/api/v1/user/", accessToken).build());
        assertEquals(200, r.statusCode(), r.body());
        var me = new JsonObject(r.body());
        assertEquals("admin", me.getString("username"));
        assertTrue(me.getBoolean("super_user"));
        assertFalse(me.getBoolean("anonymous"));
    }

    @Test
    @Order(5)
    void anonymousCurrentUserIs401() {
        var r = http.send(http.request("/api/v1/user/", null).build());
        assertEquals(401, r.statusCode());
        assertEquals("invalid_token", new JsonObject(r.body()).getString("error_type"));
        var bad = http.send(http.request("/api/v1/user/", "x".repeat(40)).build());
        assertEquals(401, bad.statusCode());
    }

    @Test
    @Order(6)
    void oauthTokenAndEncryptedPasswordLogInToRegistry() {
        assertNotNull(http.token("$oauthtoken", accessToken));
        assertNotNull(http.token("admin", encryptedPassword));
        assertNotNull(http.token("admin@example.com", "adminpass1"));
    }

    @Test
    @Order(7)
    void signUpCreatesUsersAndRejectsDuplicates() {
        var browser = new Browser(server);
        browser.csrfToken();
        var r = browser.json("POST", "/api/v1/user/", new JsonObject().put("username", "bob")
                .put("password", "bobpass123").put("email", "bob@example.com"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("bob", new JsonObject(r.body()).getString("username"));
        var again = browser.json("POST", "/api/v1/user/", new JsonObject().put("username", "bob")
                .put("password", "bobpass123").put("email", "bob2@example.com"));
        assertEquals(400, again.statusCode());
        assertEquals("The username already exists", new JsonObject(again.body()).getString("message"));
        var noEmail = browser.json("POST", "/api/v1/user/", new JsonObject().put("username", "carol")
                .put("password", "carolpass1"));
        assertEquals(400, noEmail.statusCode());
        var wrongType = browser.json("POST", "/api/v1/user/", new JsonObject().put("username", 42)
                .put("password", "carolpass1").put("email", "carol@example.com"));
        assertEquals(400, wrongType.statusCode(), wrongType.body());
        var publicView = http.send(http.request("/api/v1/users/bob", null).build());
        assertEquals(200, publicView.statusCode());
        assertFalse(publicView.body().contains("bob@example.com"));
    }
}
