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

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser sessions on /api/v1: sign-in, the CSRF rule, sign-out, fresh login, sessions shared by nodes. */
class SessionApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        server.createUser("alice", "alice-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject givenName(String name) {
        return new JsonObject().put("given_name", name);
    }

    @Test
    void aBrowsersApiGetMustComeFromScript() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        String chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        var navigated = browser.get("/api/v1/user/", Map.of("User-Agent", chrome));
        assertEquals(400, navigated.statusCode(), navigated.body());
        assertEquals("API calls must be invoked with an X-Requested-With header if called from a browser",
                new JsonObject(navigated.body()).getString("message"));
        var fromScript = browser.get("/api/v1/user/", Map.of("User-Agent", chrome, "X-Requested-With", "XMLHttpRequest"));
        assertEquals(200, fromScript.statusCode(), fromScript.body());
        for (String client : new String[]{"curl/8.5.0", "docker/27.5.1 go/go1.22.2", "containers/5.34.1 (github.com/containers/image)"}) {
            assertEquals(200, browser.get("/api/v1/user/", Map.of("User-Agent", client)).statusCode(), client);
        }
        assertEquals(200, browser.json("PUT", "/api/v1/user/", givenName("Alice")).statusCode(),
                "only GETs are guarded; writes have the CSRF rule");

        try (var unguarded = TestServer.start(Map.of("BROWSER_API_CALLS_XHR_ONLY", false))) {
            assertEquals(401, new Browser(unguarded).get("/api/v1/user/", Map.of("User-Agent", chrome)).statusCode());
        }
    }

    @Test
    void signedInWritesNeedTheSessionsCsrfToken() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        var me = browser.get("/api/v1/user/");
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("alice", new JsonObject(me.body()).getString("username"));

        var withToken = browser.json("PUT", "/api/v1/user/", givenName("Alice"));
        assertEquals(200, withToken.statusCode(), withToken.body());
        assertEquals("Alice", new JsonObject(withToken.body()).getString("given_name"));

        var forged = browser.jsonWithoutCsrf("PUT", "/api/v1/user/", givenName("Mallory"));
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals("CSRF token was invalid or missing.", new JsonObject(forged.body()).getString("message"));
        String foreignToken = new Browser(server).csrfToken();
        assertEquals(403, browser.withCsrf(foreignToken).json("PUT", "/api/v1/user/", givenName("Mallory")).statusCode(),
                "another session's token does not do");
        var after = browser.get("/api/v1/user/");
        assertEquals(200, after.statusCode(), "a refused write does not end the session");
        assertEquals("Alice", new JsonObject(after.body()).getString("given_name"));
    }

    @Test
    void signInIssuesANewCookieAndCsrfToken() {
        var browser = new Browser(server);
        String anonymousCsrf = browser.csrfToken();
        String anonymousCookie = browser.session();
        assertNotNull(anonymousCookie);
        var r = browser.signIn("alice", "alice-password");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(new JsonObject(r.body()).getBoolean("success"));
        assertNotEquals(anonymousCookie, browser.session(), "signing in rotates the session cookie");
        String next = r.headers().firstValue("X-Next-CSRF-Token").orElseThrow();
        assertNotEquals(anonymousCsrf, next);
        assertEquals(next, browser.csrfToken(), "GET /csrf_token hands out the same token for the session");
    }

    @Test
    void signInNeedsACsrfTokenToo() {
        var browser = new Browser(server);
        var r = browser.jsonWithoutCsrf("POST", "/api/v1/signin",
                new JsonObject().put("username", "alice").put("password", "alice-password"));
        assertEquals(403, r.statusCode());
        assertNull(browser.session());
    }

    @Test
    void wrongPasswordsAreRefusedAndAudited() {
        server.createUser("audited", "audited-password");
        var browser = new Browser(server);
        var wrong = browser.signIn("audited", "not-the-password");
        assertEquals(403, wrong.statusCode());
        var body = new JsonObject(wrong.body());
        assertTrue(body.getBoolean("invalidCredentials"));
        assertEquals("Invalid Username or Password", body.getString("message"));
        assertEquals(403, browser.signIn("nobody-like-this", "whatever-password").statusCode());
        assertEquals(200, browser.signIn("audited", "audited-password").statusCode());

        db.flushUsageLog();
        var kinds = db.query("""
                SELECT l.kind, l.metadata->>'type' FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'audited' ORDER BY l.id""", Tuple.tuple());
        assertEquals(2, kinds.size());
        assertEquals("login_failure", kinds.get(0).getString(0));
        assertEquals("login_success", kinds.get(1).getString(0));
        assertEquals("quayauth", kinds.get(1).getString(1));
        assertEquals(1, db.query("""
                SELECT 1 FROM usage_log WHERE kind = 'login_failure' AND metadata->>'username' = 'nobody-like-this'""",
                Tuple.tuple()).size());
    }

    @Test
    void signOutEndsTheSessionEverywhere() {
        var first = Browser.signedIn(server, "alice", "alice-password");
        var second = Browser.signedIn(server, "alice", "alice-password");
        var stolen = first.on(server);
        var r = first.json("POST", "/api/v1/signout", null);
        assertEquals(200, r.statusCode(), r.body());
        assertNull(first.session(), "the cookie is dropped");
        assertEquals(401, stolen.get("/api/v1/user/").statusCode(), "the old cookie no longer signs anyone in");
        assertEquals(401, second.get("/api/v1/user/").statusCode(), "Quay ends every session of the user");
    }

    @Test
    void sessionsLiveInTheSharedDatabase() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        try (var other = TestServer.startSharing(server, Map.of())) {
            var there = browser.on(other);
            var me = there.get("/api/v1/user/");
            assertEquals(200, me.statusCode(), me.body());
            assertEquals("alice", new JsonObject(me.body()).getString("username"));
            assertEquals(200, there.json("PUT", "/api/v1/user/", givenName("Alice")).statusCode(),
                    "the CSRF token of a session is good on every node");
        }
    }

    @Test
    void sensitiveActionsNeedAFreshLogin() {
        server.createUser("stale", "stale-password");
        var browser = Browser.signedIn(server, "stale", "stale-password");
        db.query("""
                UPDATE web_session SET fresh_at = now() - interval '11 minutes'
                WHERE account_id = (SELECT id FROM account WHERE username = 'stale')""", Tuple.tuple());
        var refused = browser.json("PUT", "/api/v1/user/", givenName("Stale"));
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("fresh_login_required", new JsonObject(refused.body()).getString("error_type"));
        assertEquals(200, browser.get("/api/v1/user/").statusCode(), "reading needs no fresh login");

        var wrong = browser.json("POST", "/api/v1/signin/verify", new JsonObject().put("password", "guess-password"));
        assertEquals(403, wrong.statusCode());
        assertTrue(new JsonObject(wrong.body()).getBoolean("invalidCredentials"));
        assertEquals(401, browser.json("PUT", "/api/v1/user/", givenName("Stale")).statusCode());

        var verified = browser.json("POST", "/api/v1/signin/verify", new JsonObject().put("password", "stale-password"));
        assertEquals(200, verified.statusCode(), verified.body());
        assertEquals(200, browser.json("PUT", "/api/v1/user/", givenName("Stale")).statusCode());
    }

    @Test
    void signUpTakesTheCsrfTokenOfAFreshAnonymousSession() {
        var browser = new Browser(server);
        var user = new JsonObject().put("username", "newcomer").put("password", "newcomer-password")
                .put("email", "newcomer@example.com");
        assertEquals(403, browser.jsonWithoutCsrf("POST", "/api/v1/user/", user).statusCode());
        browser.csrfToken();
        var created = browser.json("POST", "/api/v1/user/", user);
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("newcomer", new JsonObject(created.body()).getString("username"));
        assertEquals("newcomer", new JsonObject(browser.get("/api/v1/user/").body()).getString("username"),
                "sign-up signs the new user in");
    }

    @Test
    void apiAuthenticationRules() {
        var basic = http.send(http.request("/api/v1/user/", null)
                .header("Authorization", RegistryHttp.basic("alice", "alice-password")).build());
        assertEquals(401, basic.statusCode(), "Basic auth is refused on /api/v1");
        var anonymous = new Browser(server);
        anonymous.csrfToken();
        var anonymousWrite = anonymous.json("POST", "/api/v1/organization/", new JsonObject().put("name", "anon-org"));
        assertEquals(401, anonymousWrite.statusCode());
        var body = new JsonObject(anonymousWrite.body());
        assertEquals("invalid_token", body.getString("error_type"));
        assertEquals("Requires authentication", body.getString("detail"));
        assertEquals(401, body.getInteger("status"));
        assertTrue(body.getString("type").endsWith("/api/v1/error/invalid_token"));

        server.createUser("mallory", "mallory-password");
        db.repository("alice", "diary", "private");
        var stranger = Browser.signedIn(server, "mallory", "mallory-password");
        var denied = stranger.get("/api/v1/repository/alice/diary");
        assertEquals(403, denied.statusCode(), "signed in, but not allowed");
        assertEquals("insufficient_scope", new JsonObject(denied.body()).getString("error_type"));

        var malformed = Browser.signedIn(server, "alice", "alice-password");
        var r = malformed.raw("POST", "/api/v1/signin/verify", "{not json");
        assertEquals(400, r.statusCode());
        assertFalse(r.body().contains("Exception"));
    }
}
