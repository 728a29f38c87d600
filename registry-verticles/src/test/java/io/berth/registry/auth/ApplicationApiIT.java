package io.berth.registry.auth;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organization OAuth applications (CRUD, secret reset) and tokens minted under them; a user's authorized applications
 * ({@code /api/v1/user/authorizations}).
 */
class ApplicationApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;
    /** alice's all-scope token from /user/initialize; she administers the organization acme. */
    static String alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        var r = http.send(request("POST", "/api/v1/user/initialize", null, new JsonObject().put("username", "alice")
                .put("password", "alice-password").put("email", "alice@example.com").put("access_token", true)));
        alice = new JsonObject(r.body()).getString("access_token");
        assertEquals(201, http.send(request("POST", "/api/v1/organization/", alice,
                new JsonObject().put("name", "acme").put("email", "ops@acme.test"))).statusCode());
        server.createUser("bob", "bob-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpRequest request(String method, String path, String token, JsonObject body) {
        return http.request(path, token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    static HttpResponse<String> call(String method, String path, String token, JsonObject body) {
        return http.send(request(method, path, token, body));
    }

    static JsonObject createApp(String name) {
        var r = call("POST", "/api/v1/organization/acme/applications", alice, new JsonObject().put("name", name)
                .put("redirect_uri", "https://app.example/callback").put("description", "for tests"));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    @Test
    void applicationsCanBeCreatedChangedResetAndDeleted() {
        var app = createApp("ci");
        String clientId = app.getString("client_id");
        String secret = app.getString("client_secret");
        assertEquals(20, clientId.length());
        assertEquals(40, secret.length());
        assertEquals("https://app.example/callback", app.getString("redirect_uri"));
        assertFalse(db.query("SELECT client_secret FROM oauth_application WHERE client_id = $1", Tuple.of(clientId))
                .get(0).getString(0).contains(secret), "the secret is sealed at rest");

        var listed = new JsonObject(call("GET", "/api/v1/organization/acme/applications", alice, null).body());
        assertTrue(listed.getJsonArray("applications").stream()
                .anyMatch(a -> ((JsonObject) a).getString("client_id").equals(clientId)));
        var fetched = new JsonObject(call("GET", "/api/v1/organization/acme/applications/" + clientId, alice, null).body());
        assertEquals(secret, fetched.getString("client_secret"), "admins can read the secret again");

        var incomplete = call("PUT", "/api/v1/organization/acme/applications/" + clientId, alice,
                new JsonObject().put("name", "ci2"));
        assertEquals(400, incomplete.statusCode());
        assertEquals("'redirect_uri' is a required property", new JsonObject(incomplete.body()).getString("message"));
        var updated = call("PUT", "/api/v1/organization/acme/applications/" + clientId, alice, new JsonObject()
                .put("name", "ci2").put("redirect_uri", "https://app.example/cb2").put("application_uri", "https://app.example"));
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals("ci2", new JsonObject(updated.body()).getString("name"));
        assertEquals("https://app.example/cb2", new JsonObject(updated.body()).getString("redirect_uri"));

        var reset = call("POST", "/api/v1/organization/acme/applications/" + clientId + "/resetclientsecret", alice, null);
        assertEquals(200, reset.statusCode(), reset.body());
        assertNotEquals(secret, new JsonObject(reset.body()).getString("client_secret"));

        var publicView = call("GET", "/api/v1/app/" + clientId, null, null);
        assertEquals(200, publicView.statusCode());
        var pub = new JsonObject(publicView.body());
        assertEquals("ci2", pub.getString("name"));
        assertEquals("acme", pub.getJsonObject("organization").getString("name"));
        assertFalse(publicView.body().contains("client_secret"));

        assertEquals(204, call("DELETE", "/api/v1/organization/acme/applications/" + clientId, alice, null).statusCode());
        assertEquals(404, call("GET", "/api/v1/organization/acme/applications/" + clientId, alice, null).statusCode());
        assertEquals(404, call("GET", "/api/v1/app/" + clientId, null, null).statusCode());

        db.flushUsageLog();
        var kinds = new ArrayList<String>();
        db.query("SELECT kind FROM usage_log WHERE metadata->>'client_id' = $1 ORDER BY id", Tuple.of(clientId))
                .forEach(row -> kinds.add(row.getString(0)));
        assertEquals(List.of("create_application", "update_application", "reset_application_client_secret",
                "delete_application"), kinds);
    }

    @Test
    void onlyOrganizationAdminsManageApplications() {
        String clientId = createApp("guarded").getString("client_id");
        assertEquals(401, call("GET", "/api/v1/organization/acme/applications", null, null).statusCode());
        var bob = Browser.signedIn(server, "bob", "bob-password");
        assertEquals(403, bob.get("/api/v1/organization/acme/applications").statusCode());
        assertEquals(403, bob.get("/api/v1/organization/acme/applications/" + clientId).statusCode());
        assertEquals(403, bob.json("POST", "/api/v1/organization/acme/applications/" + clientId + "/resetclientsecret", null)
                .statusCode());
        assertEquals(403, bob.json("POST", "/api/v1/organization/acme/applications/" + clientId + "/tokens",
                new JsonObject().put("name", "mine").put("scope", "repo:read")).statusCode());
        assertEquals(403, bob.get("/api/v1/organization/no-such-org/applications").statusCode(),
                "whether an organization exists is nobody else's business");
        assertEquals(404, call("GET", "/api/v1/organization/alice/applications", alice, null).statusCode(),
                "a user is no organization");
        assertEquals(404, call("GET", "/api/v1/organization/acme/applications/" + "X".repeat(20), alice, null).statusCode());
    }

    @Test
    void mintedTokensWorkOnTheApiAndForDockerLoginUntilRevoked() {
        String clientId = createApp("minting").getString("client_id");
        String tokens = "/api/v1/organization/acme/applications/" + clientId + "/tokens";
        var minted = call("POST", tokens, alice, new JsonObject().put("name", " deploy bot ")
                .put("scope", "repo:read,user:read").put("expiration", 3600));
        assertEquals(200, minted.statusCode(), minted.body());
        var view = new JsonObject(minted.body());
        String token = view.getString("token");
        assertEquals(40, token.length());
        assertEquals("deploy bot", view.getString("name"));
        assertEquals("repo:read user:read", view.getString("scope"));
        assertEquals("alice", view.getString("created_by"));
        assertTrue(view.getString("expires_at").endsWith("Z"));

        var me = call("GET", "/api/v1/user/", token, null);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("alice", new JsonObject(me.body()).getString("username"));
        assertEquals(403, call("POST", "/api/v1/organization/", token, new JsonObject().put("name", "nope")).statusCode(),
                "the token lacks user:admin");
        db.repository("alice", "app", "private");
        String registryToken = http.token("$oauthtoken", token, "repository:alice/app:pull,push");
        String actions = new JsonObject(new String(Base64.getUrlDecoder().decode(registryToken.split("\\.")[1])))
                .getJsonArray("access").getJsonObject(0).getJsonArray("actions").encode();
        assertEquals("[\"pull\"]", actions, "repo:read caps alice's own namespace at pull");

        var listed = new JsonObject(call("GET", tokens, alice, null).body()).getJsonArray("tokens");
        assertEquals(1, listed.size());
        var entry = listed.getJsonObject(0);
        assertFalse(entry.containsKey("token"), "the secret is shown only once");
        assertTrue(entry.getString("last_accessed") != null, "use is recorded");
        assertEquals(200, call("GET", "/api/v1/user/", token, null).statusCode());

        var pull = http.request("/v2/alice/app/tags/list", registryToken).build();
        assertEquals(200, http.send(pull).statusCode());

        assertEquals(204, call("DELETE", tokens + "/" + entry.getString("uuid"), alice, null).statusCode());
        assertEquals(401, call("GET", "/api/v1/user/", token, null).statusCode(), "a revoked token stops at once");
        assertEquals(401, http.send(pull).statusCode(), "so does a registry token obtained with it");
        assertThrows(IllegalStateException.class, () -> http.token("$oauthtoken", token));
        assertEquals(404, call("DELETE", tokens + "/" + entry.getString("uuid"), alice, null).statusCode());
        assertEquals(404, call("DELETE", tokens + "/not-a-uuid", alice, null).statusCode());

        db.flushUsageLog();
        assertEquals(2, db.query("""
                SELECT 1 FROM usage_log WHERE kind IN ('create_oauth_api_token', 'revoke_oauth_api_token')
                AND metadata->>'oauth_token_uuid' = $1""", Tuple.of(entry.getString("uuid"))).size());
    }

    @Test
    void mintingIsLimitedToWhatTheCallerHolds() {
        String clientId = createApp("limits").getString("client_id");
        String tokens = "/api/v1/organization/acme/applications/" + clientId + "/tokens";
        var narrow = new JsonObject(call("POST", tokens, alice,
                new JsonObject().put("name", "narrow").put("scope", "org:admin repo:read")).body()).getString("token");
        assertEquals(200, call("POST", tokens, narrow, new JsonObject().put("name", "same").put("scope", "repo:read"))
                .statusCode(), "a token may mint within its own scopes");
        assertEquals(403, call("POST", tokens, narrow, new JsonObject().put("name", "wider").put("scope", "repo:write"))
                .statusCode(), "but not beyond them");
        assertEquals(403, call("POST", tokens, alice, new JsonObject().put("name", "su").put("scope", "super:user"))
                .statusCode(), "only superusers hand out super:user");

        var invalid = call("POST", tokens, alice, new JsonObject().put("name", "x").put("scope", "repo:read repo:fly"));
        assertEquals(400, invalid.statusCode());
        assertEquals("Invalid scope: repo:read repo:fly", new JsonObject(invalid.body()).getString("message"));
        assertEquals(400, call("POST", tokens, alice, new JsonObject().put("name", "x").put("scope", "repo:read")
                .put("expiration", 0)).statusCode());
        assertEquals(400, call("POST", tokens, alice, new JsonObject().put("name", "x").put("scope", "repo:read")
                .put("expiration", "soon")).statusCode());
        assertEquals(400, call("POST", tokens, alice, new JsonObject().put("name", "  ").put("scope", "repo:read"))
                .statusCode());
        assertEquals(400, call("POST", tokens, alice, new JsonObject().put("scope", "repo:read")).statusCode());
        var capped = new JsonObject(call("POST", tokens, alice, new JsonObject().put("name", "long").put("scope", "repo:read")
                .put("expiration", 1e12)).body());
        assertTrue(capped.getString("expires_at").compareTo("2040") < 0, "lifetimes are capped at ten years");
        assertNull(capped.getString("last_accessed"));
    }

    @Test
    void badInputIsAClear400() {
        var noName = call("POST", "/api/v1/organization/acme/applications", alice, new JsonObject().put("description", "x"));
        assertEquals(400, noName.statusCode());
        assertEquals("'name' is a required property", new JsonObject(noName.body()).getString("message"));
        assertEquals(400, call("POST", "/api/v1/organization/acme/applications", alice,
                new JsonObject().put("name", "x").put("redirect_uri", "javascript:alert(1)")).statusCode());
        assertEquals(400, call("POST", "/api/v1/organization/acme/applications", alice,
                new JsonObject().put("name", 7)).statusCode());
        assertEquals(400, call("POST", "/api/v1/organization/acme/applications", alice,
                new JsonObject().put("name", "x").put("avatar_email", "nope")).statusCode());
        var malformed = http.send(http.request("/api/v1/organization/acme/applications", alice)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":")).build());
        assertEquals(400, malformed.statusCode());
        assertEquals("Malformed JSON body", new JsonObject(malformed.body()).getString("message"));
    }

    @Test
    void aUserSeesAndRevokesTheApplicationsItAuthorized() {
        var app = call("POST", "/api/v1/organization/acme/applications", alice, new JsonObject().put("name", "granted")
                .put("redirect_uri", "https://granted.example/cb").put("application_uri", "https://granted.example/"));
        String clientId = new JsonObject(app.body()).getString("client_id");
        var minted = new JsonObject(call("POST", "/api/v1/organization/acme/applications/" + clientId + "/tokens", alice,
                new JsonObject().put("name", "ci").put("scope", "user:read repo:read")).body());
        String token = minted.getString("token");
        String uuid = minted.getString("uuid");

        var list = call("GET", "/api/v1/user/authorizations", alice, null);
        assertEquals(200, list.statusCode(), list.body());
        var grant = new JsonObject(list.body()).getJsonArray("authorizations").stream().map(o -> (JsonObject) o)
                .filter(o -> o.getString("uuid").equals(uuid)).findFirst().orElseThrow();
        var application = grant.getJsonObject("application");
        assertEquals("granted", application.getString("name"));
        assertEquals("https://granted.example/", application.getString("url"));
        assertEquals("acme", application.getJsonObject("organization").getString("name"));
        assertEquals("app", application.getJsonObject("avatar").getString("kind"));
        assertEquals(List.of("repo:read", "user:read"), grant.getJsonArray("scopes").stream()
                .map(o -> ((JsonObject) o).getString("scope")).toList());
        assertFalse(grant.getJsonArray("scopes").getJsonObject(0).getBoolean("dangerous"));
        assertEquals(grant, new JsonObject(call("GET", "/api/v1/user/authorizations/" + uuid, alice, null).body()));

        String bob = db.oauthToken("bob");
        assertEquals(404, call("GET", "/api/v1/user/authorizations/" + uuid, bob, null).statusCode(), "not bob's");
        assertEquals(404, call("DELETE", "/api/v1/user/authorizations/" + uuid, bob, null).statusCode());
        assertEquals(401, call("GET", "/api/v1/user/authorizations", null, null).statusCode());
        assertEquals(403, call("GET", "/api/v1/user/authorizations", token, null).statusCode(), "needs user:admin");
        assertEquals(200, call("GET", "/api/v1/user/", token, null).statusCode());

        assertEquals(204, call("DELETE", "/api/v1/user/authorizations/" + uuid, alice, null).statusCode());
        assertEquals(401, call("GET", "/api/v1/user/", token, null).statusCode(), "a revoked grant stops at once");
        assertEquals(404, call("GET", "/api/v1/user/authorizations/" + uuid, alice, null).statusCode());
        assertEquals(404, call("DELETE", "/api/v1/user/authorizations/not-a-uuid", alice, null).statusCode());
        db.flushUsageLog();
        assertEquals(1, db.query("""
                SELECT 1 FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE l.kind = 'revoke_oauth_api_token' AND a.username = 'acme' AND l.metadata->>'oauth_token_uuid' = $1""",
                Tuple.of(uuid)).size());
    }
}
