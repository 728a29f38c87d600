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

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Getting a token the OAuth way, over real HTTP: the consent page, {@code /oauth/authorizeapp} and its redirect (read,
 * not followed), and {@code /oauth/access_token} for codes.
 */
class OAuthFlowIT {
    static final String CALLBACK = "https://app.example/callback";
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;
    static String clientId;
    static String clientSecret;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        var r = http.send(json("/api/v1/user/initialize", null, new JsonObject().put("username", "admin")
                .put("password", "admin-password").put("email", "admin@example.com").put("access_token", true)));
        String admin = new JsonObject(r.body()).getString("access_token");
        assertEquals(201, http.send(json("/api/v1/organization/", admin,
                new JsonObject().put("name", "acme").put("email", "ops@acme.test"))).statusCode());
        var app = new JsonObject(http.send(json("/api/v1/organization/acme/applications", admin,
                new JsonObject().put("name", "Deployer").put("redirect_uri", CALLBACK))).body());
        clientId = app.getString("client_id");
        clientSecret = app.getString("client_secret");
        server.createUser("alice", "alice-password");
        db.repository("alice", "app", "private");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpRequest json(String path, String token, JsonObject body) {
        return http.request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    static String authorizeUrl(String responseType, String redirectUri, String scope, String state) {
        return "/oauth/authorize?response_type=" + responseType + "&client_id=" + clientId + "&redirect_uri="
                + enc(redirectUri) + "&scope=" + enc(scope) + (state == null ? "" : "&state=" + enc(state));
    }

    /** Opens the consent page, checks it, and submits its Authorize form; returns the redirect. */
    static HttpResponse<String> consent(Browser browser, String responseType, String scope, String state) {
        var page = browser.get(authorizeUrl(responseType, CALLBACK, scope, state));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Deployer") && page.body().contains("acme"), page.body());
        for (String s : scope.split(" ")) assertTrue(page.body().contains("<code>" + s + "</code>"), "lists " + s);
        var granted = browser.postForm("/oauth/authorizeapp", Browser.hiddenFields(page.body()));
        assertEquals(302, granted.statusCode(), granted.body());
        return granted;
    }

    static Map<String, String> params(String encoded) {
        var out = new HashMap<String, String>();
        for (String pair : encoded.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    static Map<String, String> exchange(Map<String, String> form, String basic) {
        var body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(enc(v)));
        var request = http.request("/oauth/access_token", null).header("Content-Type", "application/x-www-form-urlencoded");
        if (basic != null) request.header("Authorization", basic);
        var r = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        var out = new HashMap<String, String>();
        new JsonObject(r.body()).forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        out.put("status", String.valueOf(r.statusCode()));
        return out;
    }

    static Map<String, String> codeForm(String code) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("redirect_uri", CALLBACK);
        form.put("code", code);
        return form;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static int tokenCount() {
        return db.query("SELECT count(*) FROM oauth_access_token", Tuple.tuple()).get(0).getInteger(0);
    }

    @Test
    void implicitFlowPutsAScopedTokenInTheFragment() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        var redirect = URI.create(consent(browser, "token", "repo:read user:read", "s-1").headers()
                .firstValue("Location").orElseThrow());
        assertEquals("app.example", redirect.getHost());
        assertEquals("/callback", redirect.getPath());
        var fragment = params(redirect.getRawFragment());
        String token = fragment.get("access_token");
        assertEquals(40, token.length());
        assertEquals("Bearer", fragment.get("token_type"));
        assertEquals("s-1", fragment.get("state"));
        assertTrue(Long.parseLong(fragment.get("expires_in")) > 9L * 365 * 24 * 3600, "UI tokens last ten years");

        var me = http.send(http.request("/api/v1/user/", token).build());
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("alice", new JsonObject(me.body()).getString("username"));
        var settings = http.send(http.request("/api/v1/user/", token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"given_name\":\"x\"}")).build());
        assertEquals(403, settings.statusCode(), "user:admin was not granted");
        var create = http.send(json("/api/v1/repository", token, new JsonObject().put("repository", "new")
                .put("visibility", "private").put("description", "")));
        assertEquals(403, create.statusCode(), "repo:create was not granted");
        String registry = http.token("$oauthtoken", token, "repository:alice/app:pull,push");
        assertEquals("[\"pull\"]", new JsonObject(new String(Base64.getUrlDecoder().decode(registry.split("\\.")[1])))
                .getJsonArray("access").getJsonObject(0).getJsonArray("actions").encode(), "repo:read caps pushes on /v2");
    }

    @Test
    void codeFlowExchangesASingleUseCode() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        var redirect = URI.create(consent(browser, "code", "repo:write", "s-2").headers().firstValue("Location").orElseThrow());
        assertNull(redirect.getRawFragment());
        var query = params(redirect.getRawQuery());
        assertEquals("s-2", query.get("state"));
        String code = query.get("code");

        var token = exchange(codeForm(code), null);
        assertEquals("200", token.get("status"), token.toString());
        assertEquals("Bearer", token.get("token_type"));
        assertEquals("null", token.get("refresh_token"));
        String accessToken = token.get("access_token");
        assertEquals(200, http.send(http.request("/api/v1/repository/alice/app", accessToken).build()).statusCode());

        var again = exchange(codeForm(code), null);
        assertEquals("400", again.get("status"));
        assertEquals("invalid_grant", again.get("error"), "a code is good once");

        // client credentials in Basic auth, as some OAuth clients send them
        var second = params(URI.create(consent(browser, "code", "repo:read", null).headers().firstValue("Location")
                .orElseThrow()).getRawQuery());
        var form = codeForm(second.get("code"));
        form.remove("client_id");
        form.remove("client_secret");
        var viaBasic = exchange(form, RegistryHttp.basic(clientId, clientSecret));
        assertEquals("200", viaBasic.get("status"), viaBasic.toString());
    }

    @Test
    void codesAreBoundToTheirClientRedirectAndLifetime() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        String code = params(URI.create(consent(browser, "code", "repo:read", null).headers().firstValue("Location")
                .orElseThrow()).getRawQuery()).get("code");

        var wrongSecret = codeForm(code);
        wrongSecret.put("client_secret", "x".repeat(40));
        var refused = exchange(wrongSecret, null);
        assertEquals("401", refused.get("status"));
        assertEquals("invalid_client", refused.get("error"));
        var otherRedirect = codeForm(code);
        otherRedirect.put("redirect_uri", CALLBACK + "/elsewhere");
        assertEquals("invalid_grant", exchange(otherRedirect, null).get("error"));
        var wrongGrant = codeForm(code);
        wrongGrant.put("grant_type", "password");
        assertEquals("unsupported_grant_type", exchange(wrongGrant, null).get("error"));
        assertEquals("200", exchange(codeForm(code), null).get("status"), "refused attempts do not use the code up");

        String expiring = params(URI.create(consent(browser, "code", "repo:read", null).headers().firstValue("Location")
                .orElseThrow()).getRawQuery()).get("code");
        db.query("UPDATE oauth_authorization_code SET expires_at = now() - interval '1 second' WHERE code_name = $1",
                Tuple.of(expiring.substring(0, 20)));
        assertEquals("invalid_grant", exchange(codeForm(expiring), null).get("error"), "codes expire");
    }

    @Test
    void aRedirectUriThatIsNotTheApplicationsIsRefused() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        for (String evil : new String[]{"https://evil.example/callback", "https://app.example.evil/callback",
                "https://app.example/callbackx"}) {
            var page = browser.get(authorizeUrl("token", evil, "repo:read", null));
            assertEquals(400, page.statusCode(), evil);
            assertFalse(page.headers().firstValue("Location").isPresent());
            assertTrue(page.body().contains("redirect_uri"), page.body());
        }
        int before = tokenCount();
        var page = browser.get(authorizeUrl("token", CALLBACK, "repo:read", null));
        var fields = Browser.hiddenFields(page.body());
        fields.put("redirect_uri", "https://evil.example/callback");
        var forged = browser.postForm("/oauth/authorizeapp", fields);
        assertEquals(400, forged.statusCode());
        assertEquals(before, tokenCount(), "no token was made");

        var sub = browser.get(authorizeUrl("token", CALLBACK + "/sub?x=1", "repo:read", null));
        assertEquals(200, sub.statusCode(), "a path below the registered one is fine, as in Quay");
        assertEquals(404, browser.get("/oauth/authorize?client_id=unknown&redirect_uri=" + enc(CALLBACK) + "&scope=repo:read")
                .statusCode());
    }

    @Test
    void badRequestsGoBackToTheApplication() {
        var browser = Browser.signedIn(server, "alice", "alice-password");
        var badScope = browser.get(authorizeUrl("token", CALLBACK, "repo:read repo:fly", "s"));
        assertEquals(302, badScope.statusCode());
        assertEquals(CALLBACK + "?error=invalid_scope&state=s", badScope.headers().firstValue("Location").orElseThrow());
        var badType = browser.get(authorizeUrl("id_token", CALLBACK, "repo:read", null));
        assertEquals(CALLBACK + "?error=unsupported_response_type", badType.headers().firstValue("Location").orElseThrow());

        var page = browser.get(authorizeUrl("token", CALLBACK, "repo:read", null));
        var denied = browser.postForm("/oauth/denyapp", Browser.hiddenFields(page.body()));
        assertEquals(302, denied.statusCode());
        assertEquals(CALLBACK + "?error=authorization_denied", denied.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void grantingNeedsASignedInSessionAndItsCsrfToken() {
        int before = tokenCount();
        var anonymous = new Browser(server);
        var page = anonymous.get(authorizeUrl("token", CALLBACK, "repo:read", null));
        assertEquals(401, page.statusCode());

        var browser = Browser.signedIn(server, "alice", "alice-password");
        var fields = Browser.hiddenFields(browser.get(authorizeUrl("token", CALLBACK, "repo:admin", null)).body());
        var withoutCsrf = new LinkedHashMap<>(fields);
        withoutCsrf.remove("_csrf_token");
        assertEquals(403, browser.postForm("/oauth/authorizeapp", withoutCsrf).statusCode());
        assertEquals(403, new Browser(server).withCsrf(fields.get("_csrf_token")).postForm("/oauth/authorizeapp", fields)
                .statusCode(), "the token is worthless without its session");

        var viaToken = http.send(http.request("/oauth/authorizeapp", "A".repeat(40))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + clientId + "&redirect_uri=" + enc(CALLBACK)
                        + "&scope=repo:admin")).build());
        assertEquals(403, viaToken.statusCode(), "bearer tokens do not authorize applications");
        assertEquals(before, tokenCount());
    }
}
