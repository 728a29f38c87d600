package io.berth.registry.iam;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The superuser API (quay-api.md §3.17), and what disabling a user does to every way they log in. */
class SuperuserApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;
    /** root's all-scope token; root is named in SUPER_USERS. */
    static String root;
    static String clientId;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SUPER_USERS", List.of("root", "other-root")));
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        root = new JsonObject(call("POST", "/api/v1/user/initialize", null, new JsonObject().put("username", "root")
                .put("password", "root-password").put("email", "root@example.com").put("access_token", true)).body())
                .getString("access_token");
        server.createUser("other-root", "other-root-password");
        assertEquals(201, call("POST", "/api/v1/organization/", root,
                new JsonObject().put("name", "rootcorp").put("email", "ops@rootcorp.test")).statusCode());
        clientId = new JsonObject(call("POST", "/api/v1/organization/rootcorp/applications", root,
                new JsonObject().put("name", "cli").put("redirect_uri", "https://cli.example/cb")).body())
                .getString("client_id");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> call(String method, String path, String token, JsonObject body) {
        return http.send(http.request(path, token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    /** An OAuth token the user grants the root organization's application through the consent page. */
    static String tokenFor(Browser browser) {
        var page = browser.get("/oauth/authorize?response_type=token&client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode("https://cli.example/cb", StandardCharsets.UTF_8) + "&scope=user:read");
        assertEquals(200, page.statusCode(), page.body());
        var location = browser.postForm("/oauth/authorizeapp", Browser.hiddenFields(page.body()))
                .headers().firstValue("Location").orElseThrow();
        String fragment = URI.create(location).getRawFragment();
        return URLDecoder.decode(fragment.split("&")[0].substring("access_token=".length()), StandardCharsets.UTF_8);
    }

    static JsonObject created(String username) {
        var r = call("POST", "/api/v1/superuser/users/", root, new JsonObject().put("username", username)
                .put("email", username + "@corp.example"));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    @Test
    void superusersCreateListUpdateAndDeleteUsers() {
        var made = created("carl");
        String password = made.getString("password");
        assertTrue(password.matches("[A-Z0-9]{32}"), password);
        http.token("carl", password);
        http.token("carl", made.getString("encrypted_password"));

        var listed = new JsonObject(call("GET", "/api/v1/superuser/users/", root, null).body()).getJsonArray("users");
        var carl = find(listed, "carl");
        assertEquals("user", carl.getString("kind"));
        assertTrue(carl.getBoolean("enabled"));
        assertFalse(carl.getBoolean("super_user"));
        assertTrue(find(listed, "root").getBoolean("super_user"));

        var changed = call("PUT", "/api/v1/superuser/users/carl", root, new JsonObject()
                .put("password", "carl-new-password").put("email", "carl@else.example"));
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("carl@else.example", new JsonObject(changed.body()).getString("email"));
        assertTrue(new JsonObject(changed.body()).containsKey("encrypted_password"));
        assertThrows(IllegalStateException.class, () -> http.token("carl", password));
        http.token("carl", "carl-new-password");

        assertEquals(400, call("PUT", "/api/v1/superuser/users/other-root", root, new JsonObject().put("enabled", false))
                .statusCode());
        var refused = call("DELETE", "/api/v1/superuser/users/other-root", root, null);
        assertEquals(400, refused.statusCode());
        assertEquals("Cannot delete a superuser", new JsonObject(refused.body()).getString("message"));

        db.repository("carl", "tools", "private");
        assertEquals(204, call("DELETE", "/api/v1/superuser/users/carl", root, null).statusCode());
        assertEquals(404, call("GET", "/api/v1/superuser/users/carl", root, null).statusCode());
        assertEquals(0, db.query("SELECT count(*) FROM repository r JOIN account a ON a.id = r.namespace_id WHERE a.username = 'carl'",
                Tuple.tuple()).get(0).getInteger(0));
    }

    @Test
    void aDisabledUserCannotLogInAnywhere() {
        created("dan");
        call("PUT", "/api/v1/superuser/users/dan", root, new JsonObject().put("password", "dan-password"));
        var browser = Browser.signedIn(server, "dan", "dan-password");
        String token = tokenFor(browser);
        assertEquals(200, call("GET", "/api/v1/user/", token, null).statusCode());
        http.token("$oauthtoken", token);

        var disabled = call("PUT", "/api/v1/superuser/users/dan", root, new JsonObject().put("enabled", false));
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertFalse(new JsonObject(disabled.body()).getBoolean("enabled"));
        assertEquals(401, browser.get("/api/v1/user/").statusCode(), "the session ended");
        assertEquals(401, call("GET", "/api/v1/user/", token, null).statusCode(), "the OAuth token stopped");
        assertThrows(IllegalStateException.class, () -> http.token("dan", "dan-password"), "/v2/auth refuses");
        assertThrows(IllegalStateException.class, () -> http.token("$oauthtoken", token));
        var signIn = new Browser(server).signIn("dan", "dan-password");
        assertEquals(403, signIn.statusCode());
        assertTrue(new JsonObject(signIn.body()).getString("message").contains("disabled"));
        var enabledOnly = new JsonObject(call("GET", "/api/v1/superuser/users/?disabled=false", root, null).body());
        assertThrows(AssertionError.class, () -> find(enabledOnly.getJsonArray("users"), "dan"));

        assertEquals(200, call("PUT", "/api/v1/superuser/users/dan", root, new JsonObject().put("enabled", true)).statusCode());
        assertEquals(200, call("GET", "/api/v1/user/", token, null).statusCode(), "an unexpired token works again");
        http.token("dan", "dan-password");
        db.flushUsageLog();
        assertEquals(2, db.query("""
                SELECT 1 FROM usage_log WHERE kind IN ('user_disable', 'user_enable') AND metadata->>'username' = 'dan'""",
                Tuple.tuple()).size());
    }

    @Test
    void superusersRenameDeleteAndTakeOverOrganizations() {
        server.createUser("owner", "owner-password");
        var owner = Browser.signedIn(server, "owner", "owner-password");
        assertEquals(201, owner.json("POST", "/api/v1/organization/", new JsonObject().put("name", "widgets")
                .put("email", "ops@widgets.test")).statusCode());
        assertFalse(new JsonObject(call("GET", "/api/v1/organization/widgets", root, null).body()).getBoolean("is_admin"));

        var orgs = new JsonObject(call("GET", "/api/v1/superuser/organizations/", root, null).body()).getJsonArray("organizations");
        assertEquals("ops@widgets.test", find(orgs, "widgets").getString("email"));

        var taken = call("POST", "/api/v1/superuser/takeownership/widgets", root, null);
        assertEquals(200, taken.statusCode(), taken.body());
        assertEquals("widgets", new JsonObject(taken.body()).getString("namespace"));
        assertTrue(new JsonObject(call("GET", "/api/v1/organization/widgets", root, null).body()).getBoolean("is_admin"));

        var renamed = call("PUT", "/api/v1/superuser/organizations/widgets", root, new JsonObject().put("name", "gadgets"));
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("gadgets", new JsonObject(renamed.body()).getString("name"));
        assertEquals(404, call("GET", "/api/v1/organization/widgets", root, null).statusCode());
        var clash = call("PUT", "/api/v1/superuser/organizations/gadgets", root, new JsonObject().put("name", "owner"));
        assertEquals(400, clash.statusCode());
        assertEquals("A user or organization with this name already exists", new JsonObject(clash.body()).getString("message"));
        assertEquals(400, call("PUT", "/api/v1/superuser/organizations/gadgets", root, new JsonObject().put("name", "Bad Name"))
                .statusCode());

        assertEquals(204, call("DELETE", "/api/v1/superuser/organizations/gadgets", root, null).statusCode());
        assertEquals(404, call("GET", "/api/v1/organization/gadgets", root, null).statusCode());
        assertEquals(404, call("DELETE", "/api/v1/superuser/organizations/gadgets", root, null).statusCode());
    }

    @Test
    void takingOwnershipOfAUserMakesItAnOrganization() {
        server.createUser("leaver", "leaver-password");
        var leaver = Browser.signedIn(server, "leaver", "leaver-password");
        String token = tokenFor(leaver);
        db.repository("leaver", "project", "private");

        assertEquals(200, call("POST", "/api/v1/superuser/takeownership/leaver", root, null).statusCode());
        var org = new JsonObject(call("GET", "/api/v1/organization/leaver", root, null).body());
        assertTrue(org.getBoolean("is_admin"));
        assertEquals(200, call("GET", "/api/v1/repository/leaver/project", root, null).statusCode());
        assertThrows(IllegalStateException.class, () -> http.token("leaver", "leaver-password"));
        assertEquals(401, leaver.get("/api/v1/user/").statusCode());
        assertEquals(401, call("GET", "/api/v1/user/", token, null).statusCode());

        var superuser = call("POST", "/api/v1/superuser/takeownership/other-root", root, null);
        assertEquals(400, superuser.statusCode());
        assertEquals("Cannot take ownership of a superuser", new JsonObject(superuser.body()).getString("message"));
        assertEquals(404, call("POST", "/api/v1/superuser/takeownership/nobody-here", root, null).statusCode());
        db.flushUsageLog();
        assertEquals(1, db.query("SELECT 1 FROM usage_log WHERE kind = 'take_ownership' AND metadata->>'namespace' = 'leaver'",
                Tuple.tuple()).size());
    }

    /** The superuser API's listings, each refused to others and needing a fresh login from a session. */
    static final List<String> LISTINGS = List.of("/api/v1/superuser/users/", "/api/v1/superuser/apptokens");

    @Test
    void onlySuperusersGetIn() {
        server.createUser("plain", "plain-password");
        var plain = Browser.signedIn(server, "plain", "plain-password");
        assertEquals(403, plain.json("POST", "/api/v1/superuser/users/", new JsonObject().put("username", "sneaky")).statusCode());
        assertEquals(403, plain.json("POST", "/api/v1/superuser/takeownership/root", null).statusCode());
        var narrow = new JsonObject(call("POST", "/api/v1/organization/rootcorp/applications/" + clientId + "/tokens", root,
                new JsonObject().put("name", "narrow").put("scope", "user:admin")).body()).getString("token");
        var rootSession = Browser.signedIn(server, "root", "root-password");
        for (String path : LISTINGS) {
            assertEquals(403, plain.get(path).statusCode(), path);
            assertEquals(401, call("GET", path, null, null).statusCode(), path);
            assertEquals(403, call("GET", path, narrow, null).statusCode(),
                    "a superuser's token without super:user is no superuser: " + path);
            assertEquals(200, rootSession.get(path).statusCode(), path);
        }

        db.query("""
                UPDATE web_session SET fresh_at = now() - interval '1 hour'
                WHERE account_id = (SELECT id FROM account WHERE username = 'root')""", Tuple.tuple());
        for (String path : LISTINGS) {
            var stale = rootSession.get(path);
            assertEquals(401, stale.statusCode(), path);
            assertEquals("fresh_login_required", new JsonObject(stale.body()).getString("error_type"), path);
        }
    }

    /** A user's new app-specific token (via its own API), expiring at now plus {@code fromNow} unless null; its uuid. */
    static String appToken(String user, String title, String fromNow) {
        var created = call("POST", "/api/v1/user/apptoken", server.oauthToken(user), new JsonObject().put("title", title));
        assertEquals(200, created.statusCode(), created.body());
        String uuid = new JsonObject(created.body()).getJsonObject("token").getString("uuid");
        if (fromNow != null) db.appTokenExpires(uuid, fromNow);
        return uuid;
    }

    static List<String> uuids(JsonObject listing) {
        return listing.getJsonArray("tokens").stream().map(t -> ((JsonObject) t).getString("uuid")).toList();
    }

    /** Refusals and the fresh-login rule: see {@link #onlySuperusersGetIn}. */
    @Test
    void superusersListEveryUsersAppTokensWithoutTheirCodes() {
        server.createUser("tokenholder", "tokenholder-password");
        String soon = appToken("tokenholder", "soon", "2 days");
        String expired = appToken("tokenholder", "expired", "-1 hour");
        String forever = appToken("other-root", "forever", null);

        var all = call("GET", "/api/v1/superuser/apptokens", root, null);
        assertEquals(200, all.statusCode(), all.body());
        var listing = new JsonObject(all.body());
        assertEquals(Set.of("tokens", "only_expiring"), listing.fieldNames());
        assertTrue(listing.containsKey("only_expiring") && listing.getValue("only_expiring") == null,
                "not asked: null, as Quay echoes it");
        assertTrue(uuids(listing).containsAll(List.of(soon, expired, forever)), listing.encode());
        listing.getJsonArray("tokens").forEach(t -> assertEquals(
                Set.of("uuid", "title", "last_accessed", "created", "expiration"), ((JsonObject) t).fieldNames(),
                "the user listing's view: never a code"));

        var expiring = new JsonObject(call("GET", "/api/v1/superuser/apptokens?expiring=true", root, null).body());
        assertEquals(Boolean.TRUE, expiring.getBoolean("only_expiring"));
        assertEquals(List.of(soon), uuids(expiring), "live tokens expiring within a tenth of four weeks, of any user");

        var refused = call("GET", "/api/v1/superuser/apptokens", server.oauthToken("tokenholder"), null);
        assertEquals(403, refused.statusCode(), "a user who holds tokens sees no one's here: " + refused.body());

        try (var off = TestServer.startSharing(server, Map.of("SUPER_USERS", List.of("root", "other-root"),
                "FEATURE_APP_SPECIFIC_TOKENS", false))) {
            var missing = new RegistryHttp(off).api("GET", "/superuser/apptokens", off.oauthToken("root"), null);
            assertEquals(404, missing.statusCode(), "without FEATURE_APP_SPECIFIC_TOKENS there is no such endpoint");
        }
    }

    @Test
    void badInputIsAClear4xx() {
        var duplicate = call("POST", "/api/v1/superuser/users/", root, new JsonObject().put("username", "root"));
        assertEquals(400, duplicate.statusCode());
        assertEquals("The username already exists", new JsonObject(duplicate.body()).getString("message"));
        assertEquals(400, call("POST", "/api/v1/superuser/users/", root, new JsonObject().put("username", "Not Valid")).statusCode());
        assertEquals(400, call("POST", "/api/v1/superuser/users/", root, new JsonObject()).statusCode());
        assertEquals(404, call("GET", "/api/v1/superuser/users/no-such-user", root, null).statusCode());
        assertEquals(404, call("PUT", "/api/v1/superuser/users/no-such-user", root, new JsonObject().put("enabled", false)).statusCode());
        assertEquals(404, call("GET", "/api/v1/superuser/users/rootcorp", root, null).statusCode(), "an organization is no user");
        assertEquals(400, call("PUT", "/api/v1/superuser/users/root", root, new JsonObject().put("enabled", "no")).statusCode());
        assertEquals(400, call("GET", "/api/v1/superuser/users/?limit=101", root, null).statusCode());
        assertEquals(400, call("GET", "/api/v1/superuser/users/?next_page=!!!", root, null).statusCode());
        var paged = new JsonObject(call("GET", "/api/v1/superuser/users/?limit=1", root, null).body());
        assertEquals(1, paged.getJsonArray("users").size());
        var next = new JsonObject(call("GET", "/api/v1/superuser/users/?limit=1&next_page=" + paged.getString("next_page"),
                root, null).body());
        assertFalse(next.getJsonArray("users").getJsonObject(0).getString("username")
                .equals(paged.getJsonArray("users").getJsonObject(0).getString("username")));
        var malformed = http.send(http.request("/api/v1/superuser/users/", root).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1,2]")).build());
        assertEquals(400, malformed.statusCode());
    }

    private static JsonObject find(JsonArray list, String name) {
        return list.stream().map(o -> (JsonObject) o).filter(o -> name.equals(o.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed in " + list.encode()));
    }
}
