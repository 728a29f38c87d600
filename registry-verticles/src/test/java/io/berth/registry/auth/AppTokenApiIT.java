package io.berth.registry.auth;

import io.berth.registry.testing.Blobs;
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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.berth.registry.testing.RegistryHttp.json;
import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * App-specific tokens on /api/v1/user/apptoken (Quay's shapes, owner only, the fresh-login rule, expiry, revocation)
 * and as {@code $app} credentials on /v2/auth: they act as their user until revoked, expired or the user is disabled,
 * and then fail exactly as a wrong password does.
 */
class AppTokenApiIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        for (String user : List.of("alice", "bob", "stale", "leaver", "lister")) server.createUser(user, user + "-password");
        db.repository("alice", "app", "private");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject create(String bearer, String title) {
        return json(ok(http.api("POST", "/user/apptoken", bearer, new JsonObject().put("title", title))))
                .getJsonObject("token");
    }

    /** A /v2/auth answer for Basic credentials and a scope. */
    static HttpResponse<String> login(String user, String password, String scope) {
        return http.send(http.request("/v2/auth?service=" + server.hostPort()
                        + (scope == null ? "" : "&scope=" + Blobs.query(scope)), null)
                .header("Authorization", RegistryHttp.basic(user, password)).build());
    }

    static JsonObject claims(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
    }

    @Test
    void tokensHaveQuaysShapesAndAreRevoked() {
        String alice = server.oauthToken("alice");
        var token = create(alice, "  laptop  ");
        assertEquals(Set.of("uuid", "title", "last_accessed", "created", "expiration", "token_code"), token.fieldNames());
        assertEquals("laptop", token.getString("title"));
        assertNull(token.getValue("last_accessed"));
        assertNull(token.getValue("expiration"), "no APP_SPECIFIC_TOKEN_EXPIRATION: the token never expires");
        var created = ZonedDateTime.parse(token.getString("created"), DateTimeFormatter.RFC_1123_DATE_TIME);
        assertTrue(Duration.between(created, ZonedDateTime.now()).abs().toMinutes() < 5, token.getString("created"));
        assertTrue(token.getString("created").endsWith(" -0000"), token.getString("created"));
        String code = token.getString("token_code");
        assertTrue(code.matches("[A-Z0-9]{120}"), code);
        String uuid = token.getString("uuid");

        var list = json(ok(http.api("GET", "/user/apptoken", alice, null)));
        assertEquals(Set.of("tokens", "only_expiring"), list.fieldNames());
        assertNull(list.getValue("only_expiring"), "not asked: null, as Quay echoes it");
        JsonObject listed = only(list.getJsonArray("tokens"), uuid);
        assertEquals(Set.of("uuid", "title", "last_accessed", "created", "expiration"), listed.fieldNames(),
                "a list never shows codes");

        var one = json(ok(http.api("GET", "/user/apptoken/" + uuid, alice, null))).getJsonObject("token");
        assertEquals(code, one.getString("token_code"), "the owner may read the code back");
        assertFalse(db.query("SELECT token_sealed FROM app_specific_token WHERE uuid = $1::uuid", Tuple.of(uuid))
                .get(0).getString(0).contains(code.substring(60)), "the secret is sealed at rest");

        assertEquals(204, http.api("DELETE", "/user/apptoken/" + uuid, alice, null).statusCode());
        assertEquals(404, http.api("GET", "/user/apptoken/" + uuid, alice, null).statusCode());
        assertEquals(404, http.api("DELETE", "/user/apptoken/" + uuid, alice, null).statusCode());
        assertEquals(401, login(AppTokenService.USERNAME, code, null).statusCode(), "a revoked token logs in no more");

        db.flushUsageLog();
        var entries = db.query("""
                SELECT l.kind, l.performer_name, l.metadata FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'alice' AND l.metadata->>'app_specific_token' = $1 ORDER BY l.id""", Tuple.of(uuid));
        assertEquals(List.of("create_app_specific_token", "revoke_app_specific_token"),
                entries.stream().map(r -> r.getString(0)).toList());
        for (var entry : entries) {
            assertEquals("alice", entry.getString(1));
            assertEquals("laptop", entry.getJsonObject(2).getString("app_specific_token_title"));
            assertEquals(uuid, entry.getJsonObject(2).getString("app_specific_token"));
        }
    }

    @Test
    void onlyTheOwnerSeesItsTokensAndOnlyWithFullAccessToTheAccount() {
        String alice = server.oauthToken("alice");
        String uuid = create(alice, "alice's").getString("uuid");
        String bob = server.oauthToken("bob");
        assertEquals(404, http.api("GET", "/user/apptoken/" + uuid, bob, null).statusCode());
        assertEquals(404, http.api("DELETE", "/user/apptoken/" + uuid, bob, null).statusCode());
        assertTrue(json(ok(http.api("GET", "/user/apptoken", bob, null))).getJsonArray("tokens").stream()
                .noneMatch(t -> uuid.equals(((JsonObject) t).getString("uuid"))));
        assertEquals(200, http.api("GET", "/user/apptoken/" + uuid, alice, null).statusCode(), "bob revoked nothing");

        assertEquals(401, http.api("GET", "/user/apptoken", null, null).statusCode());
        String narrow = server.oauthToken("alice", Set.of("repo:read", "user:read"));
        for (var call : List.of(List.of("GET", "/user/apptoken"), List.of("POST", "/user/apptoken"),
                List.of("GET", "/user/apptoken/" + uuid), List.of("DELETE", "/user/apptoken/" + uuid))) {
            var r = http.api(call.get(0), call.get(1), narrow, new JsonObject().put("title", "t"));
            assertEquals(403, r.statusCode(), call + " without user:admin: " + r.body());
        }
        assertEquals(404, http.api("GET", "/user/apptoken/not-a-uuid", alice, null).statusCode());
    }

    @Test
    void badTitlesAreRefusedWith400() {
        String alice = server.oauthToken("alice");
        var missing = http.api("POST", "/user/apptoken", alice, new JsonObject());
        assertEquals(400, missing.statusCode());
        assertEquals("'title' is a required property", json(missing).getString("error_message"));
        assertEquals(400, http.api("POST", "/user/apptoken", alice, new JsonObject().put("title", 7)).statusCode());
        for (String title : List.of("", "   ", "x".repeat(256))) {
            var r = http.api("POST", "/user/apptoken", alice, new JsonObject().put("title", title));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("Token title must be 1 to 255 characters", json(r).getString("error_message"));
        }
        assertEquals(400, http.apiRaw("POST", "/user/apptoken", alice, "{\"title\":").statusCode());
        assertEquals(200, http.api("POST", "/user/apptoken", alice, new JsonObject().put("title", "x".repeat(255)))
                .statusCode());
    }

    @Test
    void creatingReadingAndRevokingNeedAFreshLoginListingDoesNot() {
        var browser = Browser.signedIn(server, "stale", "stale-password");
        var created = browser.json("POST", "/api/v1/user/apptoken", new JsonObject().put("title", "ci"));
        assertEquals(200, created.statusCode(), created.body());
        String uuid = json(created).getJsonObject("token").getString("uuid");
        db.query("""
                UPDATE web_session SET fresh_at = now() - interval '11 minutes'
                WHERE account_id = (SELECT id FROM account WHERE username = 'stale')""", Tuple.tuple());

        assertEquals(200, browser.get("/api/v1/user/apptoken").statusCode(), "listing needs no fresh login");
        for (var r : List.of(browser.json("POST", "/api/v1/user/apptoken", new JsonObject().put("title", "again")),
                browser.get("/api/v1/user/apptoken/" + uuid),
                browser.json("DELETE", "/api/v1/user/apptoken/" + uuid, new JsonObject()))) {
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("fresh_login_required", json(r).getString("error_type"));
        }
        assertEquals(403, browser.jsonWithoutCsrf("DELETE", "/api/v1/user/apptoken/" + uuid, new JsonObject())
                .statusCode(), "a session's write needs its CSRF token");

        ok(browser.json("POST", "/api/v1/signin/verify", new JsonObject().put("password", "stale-password")));
        assertEquals(200, browser.get("/api/v1/user/apptoken/" + uuid).statusCode());
        assertEquals(204, browser.json("DELETE", "/api/v1/user/apptoken/" + uuid, new JsonObject()).statusCode());
    }

    @Test
    void appLoginActsAsTheUserOnV2AndUpdatesLastAccessed() {
        String alice = server.oauthToken("alice");
        var token = create(alice, "docker");
        String code = token.getString("token_code");

        assertEquals(200, login(AppTokenService.USERNAME, code, null).statusCode(), "docker login");
        var r = login(AppTokenService.USERNAME, code, "repository:alice/app:pull,push");
        assertEquals(200, r.statusCode(), r.body());
        String jwt = json(r).getString("token");
        var claims = claims(jwt);
        assertEquals("alice", claims.getString("sub"));
        var context = claims.getJsonObject("context");
        assertEquals("appspecifictoken", context.getString("entity_kind"));
        assertEquals(token.getString("uuid"), context.getString("entity_reference"));
        assertEquals("user", context.getString("kind"));
        assertEquals("alice", context.getString("user"));
        assertEquals(new JsonArray(List.of("pull", "push")),
                claims.getJsonArray("access").getJsonObject(0).getJsonArray("actions"));

        Blobs.push(http, "alice/app", jwt, Blobs.random(128, 41));
        assertEquals(200, http.send(http.request("/v2/alice/app/tags/list", jwt).build()).statusCode());

        var listed = only(json(ok(http.api("GET", "/user/apptoken", alice, null))).getJsonArray("tokens"),
                token.getString("uuid"));
        assertNotNull(listed.getString("last_accessed"), "a login records when the token was last used");

        db.flushUsageLog();
        var success = db.query("""
                SELECT l.performer_name, l.metadata FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'alice' AND l.kind = 'login_success' ORDER BY l.id DESC LIMIT 1""", Tuple.tuple());
        assertEquals("alice", success.get(0).getString(0));
        assertEquals(token.getString("uuid"), success.get(0).getJsonObject(1).getString("app_specific_token"));
    }

    @Test
    void wrongExpiredAndRevokedTokensFailLikeAWrongPassword() {
        String alice = server.oauthToken("alice");
        var wrongPassword = login("alice", "not-the-password", null);
        assertEquals(401, wrongPassword.statusCode());

        var token = create(alice, "short-lived");
        String code = token.getString("token_code");
        String uuid = token.getString("uuid");
        var wrongSecret = login(AppTokenService.USERNAME, code.substring(0, 60) + "A".repeat(60), null);
        var tooShort = login(AppTokenService.USERNAME, code.substring(0, 60), null);
        String jwt = json(ok(login(AppTokenService.USERNAME, code, "repository:alice/app:pull"))).getString("token");
        assertEquals(200, http.send(http.request("/v2/alice/app/tags/list", jwt).build()).statusCode());

        db.appTokenExpires(uuid, "-1 minute");
        var expired = login(AppTokenService.USERNAME, code, null);
        for (var r : List.of(wrongSecret, tooShort, expired)) {
            assertEquals(401, r.statusCode(), r.body());
            assertEquals(wrongPassword.body(), r.body(), "the same answer as a wrong password");
        }
        assertEquals(401, http.send(http.request("/v2/alice/app/tags/list", jwt).build()).statusCode(),
                "a registry token from an expired app token is dead at once");
        assertEquals(404, http.api("GET", "/user/apptoken/" + uuid, alice, null).statusCode(),
                "an expired token cannot be read back");
        var listed = only(json(ok(http.api("GET", "/user/apptoken", alice, null))).getJsonArray("tokens"), uuid);
        assertNotNull(listed.getString("expiration"), "an expired token is still listed");
        assertEquals(204, http.api("DELETE", "/user/apptoken/" + uuid, alice, null).statusCode(),
                "an expired token can be revoked");

        var live = create(alice, "revoked-later");
        String liveJwt = json(ok(login(AppTokenService.USERNAME, live.getString("token_code"),
                "repository:alice/app:pull"))).getString("token");
        assertEquals(204, http.api("DELETE", "/user/apptoken/" + live.getString("uuid"), alice, null).statusCode());
        assertEquals(401, http.send(http.request("/v2/alice/app/tags/list", liveJwt).build()).statusCode(),
                "a registry token from a revoked app token is dead at once");
        var revoked = login(AppTokenService.USERNAME, live.getString("token_code"), null);
        assertEquals(wrongPassword.body(), revoked.body());

        db.flushUsageLog();
        var failure = db.query("""
                SELECT metadata FROM usage_log WHERE kind = 'login_failure' AND metadata->>'kind' = 'app_specific_token'
                ORDER BY id DESC LIMIT 1""", Tuple.tuple());
        assertEquals("Invalid token", failure.get(0).getJsonObject(0).getString("message"));
    }

    @Test
    void aDisabledUsersTokensFail() {
        String leaver = server.oauthToken("leaver");
        db.repository("leaver", "mine", "private");
        String code = create(leaver, "ci").getString("token_code");
        String jwt = json(ok(login(AppTokenService.USERNAME, code, "repository:leaver/mine:pull"))).getString("token");
        db.query("UPDATE account SET enabled = FALSE WHERE username = 'leaver'", Tuple.tuple());

        var refused = login(AppTokenService.USERNAME, code, null);
        assertEquals(401, refused.statusCode());
        assertEquals(login("alice", "not-the-password", null).body(), refused.body());
        assertEquals(401, http.send(http.request("/v2/leaver/mine/tags/list", jwt).build()).statusCode());
        db.flushUsageLog();
        var failure = db.query("""
                SELECT l.metadata FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'leaver' AND l.kind = 'login_failure'""", Tuple.tuple());
        assertEquals(CredentialService.DISABLED, failure.get(0).getJsonObject(0).getString("message"));
        assertEquals("app_specific_token", failure.get(0).getJsonObject(0).getString("kind"));
    }

    @Test
    void expiringListsTheLiveTokensThatExpireWithinATenthOfTheDefaultFourWeeks() {
        String lister = server.oauthToken("lister");
        String soon = create(lister, "soon").getString("uuid");
        String later = create(lister, "later").getString("uuid");
        String gone = create(lister, "gone").getString("uuid");
        create(lister, "forever");
        db.appTokenExpires(soon, "2 days");
        db.appTokenExpires(later, "3 days");
        db.appTokenExpires(gone, "-1 day");

        var expiring = json(ok(http.api("GET", "/user/apptoken?expiring=true", lister, null)));
        assertEquals(Boolean.TRUE, expiring.getBoolean("only_expiring"));
        assertEquals(List.of("soon"), titles(expiring));
        var all = json(ok(http.api("GET", "/user/apptoken?expiring=false", lister, null)));
        assertEquals(Boolean.FALSE, all.getBoolean("only_expiring"));
        assertEquals(List.of("soon", "later", "gone", "forever"), titles(all));
    }

    @Test
    void theConfiguredLifetimeSetsTheExpirationAndTheFeatureFlagTurnsTokensOff() {
        try (TestServer limited = TestServer.start(Map.of("APP_SPECIFIC_TOKEN_EXPIRATION", "2h"))) {
            limited.createUser("carol", "carol-password");
            var token = json(ok(new RegistryHttp(limited).api("POST", "/user/apptoken", limited.oauthToken("carol"),
                    new JsonObject().put("title", "two hours")))).getJsonObject("token");
            var expiration = ZonedDateTime.parse(token.getString("expiration"), DateTimeFormatter.RFC_1123_DATE_TIME);
            long minutes = Duration.between(ZonedDateTime.now(), expiration).toMinutes();
            assertTrue(minutes > 110 && minutes <= 120, token.getString("expiration"));
        }
        String code = create(server.oauthToken("alice"), "kept").getString("token_code");
        try (TestServer off = TestServer.startSharing(server, Map.of("FEATURE_APP_SPECIFIC_TOKENS", false))) {
            var offHttp = new RegistryHttp(off);
            String alice = off.oauthToken("alice");
            assertEquals(404, offHttp.api("GET", "/user/apptoken", alice, null).statusCode());
            assertEquals(404, offHttp.api("POST", "/user/apptoken", alice, new JsonObject().put("title", "t"))
                    .statusCode());
            var r = offHttp.send(offHttp.request("/v2/auth?service=" + off.hostPort(), null)
                    .header("Authorization", RegistryHttp.basic(AppTokenService.USERNAME, code)).build());
            assertEquals(401, r.statusCode(), "without the feature $app is no credential");
        }
        assertEquals(200, login(AppTokenService.USERNAME, code, null).statusCode());
    }

    static JsonObject only(JsonArray tokens, String uuid) {
        var matching = tokens.stream().map(t -> (JsonObject) t).filter(t -> uuid.equals(t.getString("uuid"))).toList();
        assertEquals(1, matching.size(), tokens.encode());
        return matching.get(0);
    }

    static List<String> titles(JsonObject list) {
        return list.getJsonArray("tokens").stream().map(t -> ((JsonObject) t).getString("title")).toList();
    }
}
