package io.berth.registry.auth;

import io.berth.registry.testing.Blobs;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what, checked end to end through /v2 and /api/v1 against one table written out below; and revocation:
 * access that is taken away is gone at once, also for a registry token that was issued before.
 */
class AuthorizationMatrixIT {
    /**
     * The expected outcome of every principal on every repository. pull and push go through /v2 (a token from
     * /v2/auth, then the request); create makes a new repository in the row's namespace both by a /v2 push and by
     * {@code POST /api/v1/repository}; read is {@code GET /api/v1/repository/<repo>}; admin is the repository's
     * permission listing on /api/v1 and the {@code *} action from /v2/auth; delete is
     * {@code DELETE /api/v1/repository/<repo>}. Robots cannot use /api/v1 (no Basic auth there), so they are
     * anonymous on it. {@code appmember} is member logging in to /v2 with one of its app-specific tokens ({@code $app})
     * and using member's OAuth token on /api/v1: an app token holds exactly its user's rights.
     */
    static final String EXPECTED = """
            principal  repository  pull push create read admin delete
            anonymous  owner/pub    y    -    -      y    -     -
            anonymous  owner/priv   -    -    -      -    -     -
            anonymous  corp/pub     y    -    -      y    -     -
            anonymous  corp/priv    -    -    -      -    -     -
            owner      owner/pub    y    y    y      y    y     y
            owner      owner/priv   y    y    y      y    y     y
            owner      corp/pub     y    -    -      y    -     -
            owner      corp/priv    -    -    -      -    -     -
            member     owner/pub    y    -    -      y    -     -
            member     owner/priv   -    -    -      -    -     -
            member     corp/pub     y    -    -      y    -     -
            member     corp/priv    y    y    -      y    -     -
            appmember  owner/pub    y    -    -      y    -     -
            appmember  owner/priv   -    -    -      -    -     -
            appmember  corp/pub     y    -    -      y    -     -
            appmember  corp/priv    y    y    -      y    -     -
            creator    owner/pub    y    -    -      y    -     -
            creator    owner/priv   -    -    -      -    -     -
            creator    corp/pub     y    -    y      y    -     -
            creator    corp/priv    -    -    y      -    -     -
            orgadmin   owner/pub    y    -    -      y    -     -
            orgadmin   owner/priv   -    -    -      -    -     -
            orgadmin   corp/pub     y    y    y      y    y     y
            orgadmin   corp/priv    y    y    y      y    y     y
            userrobot  owner/pub    y    -    -      y    -     -
            userrobot  owner/priv   y    y    -      -    -     -
            userrobot  corp/pub     y    -    -      y    -     -
            userrobot  corp/priv    -    -    -      -    -     -
            orgrobot   owner/pub    y    -    -      y    -     -
            orgrobot   owner/priv   -    -    -      -    -     -
            orgrobot   corp/pub     y    -    -      y    -     -
            orgrobot   corp/priv    y    -    -      -    -     -
            stranger   owner/pub    y    -    -      y    -     -
            stranger   owner/priv   -    -    -      -    -     -
            stranger   corp/pub     y    -    -      y    -     -
            stranger   corp/priv    -    -    -      -    -     -
            superuser  owner/pub    y    -    -      y    -     -
            superuser  owner/priv   -    -    -      -    -     -
            superuser  corp/pub     y    -    -      y    -     -
            superuser  corp/priv    -    -    -      -    -     -
            scoped     owner/pub    y    -    -      y    -     -
            scoped     owner/priv   y    -    -      y    -     -
            scoped     corp/pub     y    -    -      y    -     -
            scoped     corp/priv    -    -    -      -    -     -
            """;

    static TestServer server;
    static RegistryHttp http;
    static String ownerToken;
    static String orgAdminToken;
    static final Map<String, Principal> principals = new LinkedHashMap<>();
    static final AtomicInteger blobs = new AtomicInteger();

    /** How a principal signs in: Basic credentials for /v2/auth (null user: anonymous), a bearer for /api/v1. */
    record Principal(String name, String user, String password, String apiToken) {}

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SUPER_USERS", List.of("root")));
        http = new RegistryHttp(server);
        ownerToken = http.initialize("owner", "owner-password");
        for (String user : List.of("orgadmin", "creator", "member", "stranger", "root", "mallory")) {
            server.createUser(user, user + "-password");
        }
        orgAdminToken = server.oauthToken("orgadmin");
        ok(http.api("POST", "/organization/", orgAdminToken, new JsonObject().put("name", "corp")
                .put("email", "corp@corp.test")));
        ok(http.api("PUT", "/organization/corp/team/builders", orgAdminToken, new JsonObject().put("role", "creator")));
        ok(http.api("PUT", "/organization/corp/team/builders/members/creator", orgAdminToken, null));
        ok(http.api("PUT", "/organization/corp/team/devs", orgAdminToken, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/corp/team/devs/members/member", orgAdminToken, null));
        String userRobot = robotToken(http.api("PUT", "/user/robots/ci", ownerToken, null));
        String orgRobot = robotToken(http.api("PUT", "/organization/corp/robots/deploy", orgAdminToken, null));
        for (String repo : List.of("owner/pub", "owner/priv", "corp/pub", "corp/priv")) provision(repo);

        add(new Principal("anonymous", null, null, null));
        add(new Principal("owner", "owner", "owner-password", ownerToken));
        for (String user : List.of("member", "creator", "orgadmin", "stranger")) {
            add(new Principal(user, user, user + "-password", server.oauthToken(user)));
        }
        add(new Principal("superuser", "root", "root-password", server.oauthToken("root")));
        String member = server.oauthToken("member");
        String appToken = RegistryHttp.json(ok(http.api("POST", "/user/apptoken", member,
                new JsonObject().put("title", "matrix")))).getJsonObject("token").getString("token_code");
        add(new Principal("appmember", AppTokenService.USERNAME, appToken, member));
        add(new Principal("userrobot", "owner+ci", userRobot, null));
        add(new Principal("orgrobot", "corp+deploy", orgRobot, null));
        String scoped = server.oauthToken("owner", Set.of("repo:read"));
        add(new Principal("scoped", CredentialService.OAUTH_USERNAME, scoped, scoped));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void add(Principal p) {
        principals.put(p.name(), p);
    }

    /** Creates one of the matrix's repositories with its grants (again, after a delete). */
    static void provision(String repo) {
        String[] parts = repo.split("/");
        String admin = parts[0].equals("owner") ? ownerToken : orgAdminToken;
        ok(http.api("POST", "/repository", admin, new JsonObject().put("namespace", parts[0])
                .put("repository", parts[1]).put("visibility", parts[1].equals("pub") ? "public" : "private")
                .put("description", "")));
        switch (repo) {
            case "owner/priv" -> ok(http.api("PUT", "/repository/owner/priv/permissions/user/owner+ci", admin,
                    new JsonObject().put("role", "write")));
            case "corp/priv" -> {
                ok(http.api("PUT", "/repository/corp/priv/permissions/team/devs", admin,
                        new JsonObject().put("role", "write")));
                ok(http.api("PUT", "/repository/corp/priv/permissions/user/corp+deploy", admin,
                        new JsonObject().put("role", "read")));
            }
            default -> { }
        }
    }

    @Test
    void everyPrincipalMayDoExactlyWhatTheTableSays() {
        List<String> mismatches = new ArrayList<>();
        List<String[]> deletes = new ArrayList<>();
        List<String> lines = EXPECTED.lines().skip(1).toList();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            Principal p = principals.get(f[0]);
            String repo = f[1];
            String tag = f[0] + "-" + repo.replace('/', '-');
            check(mismatches, line, "pull", f[2], pull(p, repo));
            check(mismatches, line, "push", f[3], push(p, repo));
            check(mismatches, line, "create (/v2)", f[4], createByPush(p, repo.split("/")[0] + "/push-" + tag));
            check(mismatches, line, "create (/api/v1)", f[4], createByApi(p, repo.split("/")[0], "api-" + tag));
            check(mismatches, line, "read", f[5], apiStatus(p, "GET", "/repository/" + repo, 200));
            check(mismatches, line, "admin (/api/v1)", f[6],
                    apiStatus(p, "GET", "/repository/" + repo + "/permissions/user/", 200));
            check(mismatches, line, "admin (/v2)", f[6], adminGrant(p, repo));
            deletes.add(f);
        }
        // deletes last: a successful one takes the repository away, so it is provisioned again
        for (String[] f : deletes) {
            String repo = f[1];
            Boolean deleted = apiStatus(principals.get(f[0]), "DELETE", "/repository/" + repo, 204);
            check(mismatches, String.join(" ", f), "delete", f[7], deleted);
            if (Boolean.TRUE.equals(deleted)) provision(repo);
        }
        assertTrue(mismatches.isEmpty(), "authorization matrix mismatches:\n" + String.join("\n", mismatches));
        assertEquals(44, lines.size());
    }

    /**
     * Whom the entity search ({@code GET /api/v1/entities/<prefix>?namespace=<ns>&includeTeams=true}) shows a
     * namespace's robots and teams: robots are {@code owner+ci} and {@code corp+deploy}, teams {@code corp}'s builders
     * and devs. {@code 401}: refused outright. Users are found by everyone signed in.
     */
    static final String ENTITIES = """
            principal  namespace  users robots teams
            anonymous  owner      401   -      -
            anonymous  corp       401   -      -
            owner      owner      y     y      -
            owner      corp       y     -      -
            member     owner      y     -      -
            member     corp       y     y      y
            creator    corp       y     y      y
            orgadmin   owner      y     -      -
            orgadmin   corp       y     y      y
            stranger   owner      y     -      -
            stranger   corp       y     -      -
            superuser  owner      y     -      -
            superuser  corp       y     -      -
            scoped     owner      y     -      -
            """;

    @Test
    void theEntitySearchShowsRobotsAndTeamsExactlyAsTheTableSays() {
        List<String> mismatches = new ArrayList<>();
        for (String line : ENTITIES.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            Principal p = principals.get(f[0]);
            String ns = f[1];
            // the robot's short name, its full name, a team and a user: each prefix finds at most that one
            var robotShort = entities(p, (ns.equals("owner") ? "c" : "dep") + "?namespace=" + ns + "&includeTeams=true");
            if (f[2].equals("401")) {
                if (robotShort != null) mismatches.add(line.trim() + " :: expected 401");
                continue;
            }
            String robot = ns.equals("owner") ? "owner+ci" : "corp+deploy";
            var robotFull = entities(p, robot.replace("+", "%2B") + "?namespace=" + ns);
            var teams = entities(p, "d?namespace=" + ns + "&includeTeams=true");
            var users = entities(p, "strang?namespace=" + ns);
            check(mismatches, line, "users", f[2], users != null && users.contains("stranger"));
            check(mismatches, line, "robots (short name)", f[3], robotShort != null && robotShort.contains(robot));
            check(mismatches, line, "robots (full name)", f[3], robotFull != null && robotFull.contains(robot));
            check(mismatches, line, "teams", f[4], teams != null && teams.contains("devs"));
        }
        assertTrue(mismatches.isEmpty(), "entity search mismatches:\n" + String.join("\n", mismatches));
    }

    /** The names the entity search finds, or null when it refuses with 401. */
    static List<String> entities(Principal p, String prefixAndQuery) {
        var r = http.api("GET", "/entities/" + prefixAndQuery, p.apiToken(), null);
        if (r.statusCode() == 401) return null;
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonArray("results").stream()
                .map(o -> ((JsonObject) o).getString("name")).toList();
    }

    /** Records a mismatch; {@code actual} null means the refusal had the wrong status (already described). */
    static void check(List<String> mismatches, String row, String action, String expected, Boolean actual) {
        boolean allowed = expected.equals("y");
        if (actual == null || actual != allowed) {
            mismatches.add(row.trim() + " :: " + action + " expected " + (allowed ? "allowed" : "refused") + ", was "
                    + (actual == null ? "refused with the wrong status" : actual ? "allowed" : "refused"));
        }
    }

    static String v2Token(Principal p, String scope) {
        return http.token(p.user(), p.password(), scope);
    }

    /** /v2 outcome: true on {@code success}, false on 401, null on anything else. */
    static Boolean v2Outcome(HttpResponse<String> r, int success) {
        return r.statusCode() == success ? Boolean.TRUE : r.statusCode() == 401 ? Boolean.FALSE : null;
    }

    static Boolean pull(Principal p, String repo) {
        String token = v2Token(p, "repository:" + repo + ":pull");
        return v2Outcome(http.send(http.request("/v2/" + repo + "/tags/list", token).build()), 200);
    }

    static Boolean push(Principal p, String repo) {
        String token = v2Token(p, "repository:" + repo + ":pull,push");
        return v2Outcome(pushBlob(repo, token), 201);
    }

    static Boolean createByPush(Principal p, String repo) {
        Boolean pushed = push(p, repo);
        boolean exists = http.api("GET", "/repository/" + repo, ownerToken, null).statusCode() == 200
                || http.api("GET", "/repository/" + repo, orgAdminToken, null).statusCode() == 200;
        return pushed != null && pushed == exists ? pushed : null;
    }

    static Boolean createByApi(Principal p, String namespace, String name) {
        return apiOutcome(p, "POST", http.api("POST", "/repository", p.apiToken(), new JsonObject()
                .put("namespace", namespace).put("repository", name).put("visibility", "private")
                .put("description", "")), 201);
    }

    static Boolean apiStatus(Principal p, String method, String path, int success) {
        return apiOutcome(p, method, http.api(method, path, p.apiToken(), null), success);
    }

    /**
     * /api/v1 outcome: refusals are 401 without a token and 403 with one (quay-api.md §3.0), except that a write
     * without a token is refused for its missing CSRF token first (403); other codes are wrong.
     */
    static Boolean apiOutcome(Principal p, String method, HttpResponse<String> r, int success) {
        if (r.statusCode() == success) return true;
        int refusal = p.apiToken() == null && method.equals("GET") ? 401 : 403;
        return r.statusCode() == refusal ? Boolean.FALSE : null;
    }

    static Boolean adminGrant(Principal p, String repo) {
        return actions(v2Token(p, "repository:" + repo + ":*")).contains("*");
    }

    static HttpResponse<String> pushBlob(String repo, String token) {
        byte[] bytes = Blobs.random(64, blobs.incrementAndGet());
        return http.send(http.request("/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.query(Blobs.sha256(bytes)),
                token).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    /** The actions a registry token grants on its first scope, read from its payload. */
    static List<String> actions(String jwt) {
        var payload = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
        var access = payload.getJsonArray("access");
        if (access.isEmpty()) return List.of();
        return access.getJsonObject(0).getJsonArray("actions").stream().map(String::valueOf).toList();
    }

    static String robotToken(HttpResponse<String> created) {
        assertEquals(201, created.statusCode(), created.body());
        return new JsonObject(created.body()).getString("token");
    }

    // --- revocation: what is taken away is gone at once, for registry tokens issued before too ---

    @Test
    void aMemberRemovedFromATeamLosesAccessAtOnce() {
        ok(http.api("PUT", "/organization/corp/team/temps", orgAdminToken, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/corp/team/temps/members/mallory", orgAdminToken, null));
        ok(http.api("POST", "/repository", orgAdminToken, new JsonObject().put("namespace", "corp")
                .put("repository", "revoke-team").put("visibility", "private").put("description", "")));
        ok(http.api("PUT", "/repository/corp/revoke-team/permissions/team/temps", orgAdminToken,
                new JsonObject().put("role", "write")));
        String mallory = server.oauthToken("mallory");
        String jwt = http.token("mallory", "mallory-password", "repository:corp/revoke-team:pull,push");
        assertEquals(201, pushBlob("corp/revoke-team", jwt).statusCode());
        assertEquals(200, http.api("GET", "/repository/corp/revoke-team", mallory, null).statusCode());

        ok(http.api("DELETE", "/organization/corp/team/temps/members/mallory", orgAdminToken, null));

        assertEquals(401, pushBlob("corp/revoke-team", jwt).statusCode(), "the issued token no longer pushes");
        assertEquals(401, http.send(http.request("/v2/corp/revoke-team/tags/list", jwt).build()).statusCode());
        String fresh = http.token("mallory", "mallory-password", "repository:corp/revoke-team:pull,push");
        assertTrue(actions(fresh).isEmpty(), "a new token grants nothing");
        assertEquals(403, http.api("GET", "/repository/corp/revoke-team", mallory, null).statusCode());
    }

    @Test
    void aDeletedPermissionIsGoneAtOnce() {
        ok(http.api("POST", "/repository", ownerToken, new JsonObject().put("repository", "revoke-grant")
                .put("visibility", "private").put("description", "")));
        ok(http.api("PUT", "/repository/owner/revoke-grant/permissions/user/mallory", ownerToken,
                new JsonObject().put("role", "read")));
        String jwt = http.token("mallory", "mallory-password", "repository:owner/revoke-grant:pull");
        assertEquals(200, http.send(http.request("/v2/owner/revoke-grant/tags/list", jwt).build()).statusCode());

        assertEquals(204, http.api("DELETE", "/repository/owner/revoke-grant/permissions/user/mallory", ownerToken,
                null).statusCode());

        assertEquals(401, http.send(http.request("/v2/owner/revoke-grant/tags/list", jwt).build()).statusCode());
        assertEquals(403, http.api("GET", "/repository/owner/revoke-grant", server.oauthToken("mallory"), null)
                .statusCode());
    }

    @Test
    void aRegeneratedRobotTokenStopsWorkingAtOnce() {
        ok(http.api("POST", "/repository", ownerToken, new JsonObject().put("repository", "revoke-robot")
                .put("visibility", "private").put("description", "")));
        String old = robotToken(http.api("PUT", "/user/robots/rotate", ownerToken, null));
        ok(http.api("PUT", "/repository/owner/revoke-robot/permissions/user/owner+rotate", ownerToken,
                new JsonObject().put("role", "write")));
        String jwt = http.token("owner+rotate", old, "repository:owner/revoke-robot:pull,push");
        assertEquals(201, pushBlob("owner/revoke-robot", jwt).statusCode());

        var regenerated = ok(http.api("POST", "/user/robots/rotate/regenerate", ownerToken, null));
        String fresh = new JsonObject(regenerated.body()).getString("token");
        assertFalse(fresh.equals(old));

        assertEquals(401, pushBlob("owner/revoke-robot", jwt).statusCode(), "a token from the old secret is dead");
        var login = http.send(http.request(server.baseUrl() + "/v2/auth?service=" + server.hostPort(), null)
                .header("Authorization", RegistryHttp.basic("owner+rotate", old)).build());
        assertEquals(401, login.statusCode(), "the old secret no longer logs in");
        String renewed = http.token("owner+rotate", fresh, "repository:owner/revoke-robot:pull,push");
        assertEquals(201, pushBlob("owner/revoke-robot", renewed).statusCode());

        assertEquals(204, http.api("DELETE", "/user/robots/rotate", ownerToken, null).statusCode());
        assertEquals(401, pushBlob("owner/revoke-robot", renewed).statusCode(), "a deleted robot's token is dead");
    }

    @Test
    void aTokenWhoseScopeIsTooSmallGetsNoMore() {
        ok(http.api("POST", "/repository", ownerToken, new JsonObject().put("repository", "revoke-scope")
                .put("visibility", "private").put("description", "")));
        String readOnly = server.oauthToken("owner", Set.of("repo:read"));
        String jwt = http.token(CredentialService.OAUTH_USERNAME, readOnly, "repository:owner/revoke-scope:pull,push,*");
        assertEquals(List.of("pull"), actions(jwt));
        assertEquals(401, pushBlob("owner/revoke-scope", jwt).statusCode());
        assertEquals(200, http.send(http.request("/v2/owner/revoke-scope/tags/list", jwt).build()).statusCode());
        assertEquals(200, http.api("GET", "/repository/owner/revoke-scope", readOnly, null).statusCode());
        assertEquals(403, http.api("PUT", "/repository/owner/revoke-scope", readOnly,
                new JsonObject().put("description", "no")).statusCode());
        assertEquals(403, http.api("GET", "/repository/owner/revoke-scope/permissions/user/", readOnly, null)
                .statusCode());
        assertEquals(403, http.api("PUT", "/user/robots/nope", readOnly, null).statusCode(),
                "robots need user:admin");
    }

    @Test
    void aDisabledAccountsRegistryTokenStopsWorkingAtOnce() {
        server.createUser("leaver", "leaver-password");
        ok(http.api("POST", "/repository", server.oauthToken("leaver"), new JsonObject().put("repository", "mine")
                .put("visibility", "private").put("description", "")));
        String jwt = http.token("leaver", "leaver-password", "repository:leaver/mine:pull,push");
        assertEquals(201, pushBlob("leaver/mine", jwt).statusCode());
        // disabling is the superuser API's (access branch); the account row is what every check reads
        new Fixtures(server).query("UPDATE account SET enabled = FALSE WHERE username = $1", Tuple.of("leaver"));
        assertEquals(401, pushBlob("leaver/mine", jwt).statusCode());
        assertEquals(401, http.send(http.request("/v2/leaver/mine/tags/list", jwt).build()).statusCode());
    }
}
