package io.berth.registry.logs;

import io.berth.model.oci.MediaTypes;
import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Invitations;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every route that can change state writes its usage-log kind. The router's routes are enumerated; each non-GET,
 * non-HEAD route of /api/v1 and /v2 must be matched by a row of {@link #rows()}: a request that succeeds and the kind
 * it must log. A route without a row fails the test, so whoever adds a route adds its row. A row may say that a
 * route logs nothing only with the reason (the steps of a blob upload, which Quay does not log either), and then the
 * request must indeed log nothing.
 */
class LogCompletenessIT {
    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final Set<String> SURFACES = Set.of("/api/v1", "/v2");
    private static final String PASSWORD = "admin-password";

    static GreenMail mail;
    static Vertx receiverVertx;
    static HttpServer receiver;
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    /** What earlier rows left for later ones (tokens, upload locations). */
    static final Map<String, String> state = new LinkedHashMap<>();

    /** A route as mounted: its methods and its full path pattern (a regex, or a path with :params). */
    record MountedRoute(Set<HttpMethod> methods, String prefix, String pattern, boolean regex) {
        /** Vert.x reports a path with :params as a regex route named by the path itself. */
        private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9_/:.\\-]*\\*?");

        boolean matches(HttpMethod method, String path) {
            if (!methods.isEmpty() && !methods.contains(method)) return false;
            if (!path.startsWith(prefix)) return false;
            String rest = path.substring(prefix.length());
            String regexText = regex && !PLAIN_PATH.matcher(pattern).matches() ? pattern
                    : Pattern.quote(pattern).replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q").replace("*\\E", "\\E.*");
            return Pattern.compile(regexText).matcher(rest).matches();
        }

        @Override
        public String toString() {
            return (methods.isEmpty() ? "ANY" : methods) + " " + prefix + (regex ? " ~ " : "") + pattern;
        }
    }

    /**
     * A request that succeeds on a route and the kind it logs; {@code kind} null means it logs nothing, for the reason
     * given.
     */
    record Row(HttpMethod method, String samplePath, Supplier<HttpResponse<String>> request, String kind,
               String reason) {}

    @BeforeAll
    static void start() throws Exception {
        receiverVertx = Vertx.vertx();
        receiver = receiverVertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(b -> request.response().end()))
                .listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        mail = new GreenMail(new ServerSetup(TestServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        // no timed garbage collection: its entries would land amid the rows (a superuser's request runs it here)
        server = TestServer.start(Map.of("CALLBACK_ALLOWED_HOSTS", List.of("127.0.0.1"), "SUPER_USERS", List.of("admin"),
                "MAIL_SERVER", "127.0.0.1", "MAIL_PORT", mail.getSmtp().getPort(), "MAIL_USE_TLS", false,
                "FEATURE_GARBAGE_COLLECTION", false, "BUILD_LOCAL_WORKER", false));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.stop();
        receiverVertx.close().await();
    }

    // ---- requests -------------------------------------------------------------------------------------------------

    static HttpResponse<String> json(String method, String path, String token, JsonObject body) {
        return http.send(http.request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    static String api() { return state.get("apiToken"); }

    static String bob() {
        return state.computeIfAbsent("bobToken", k -> fixtures.oauthToken("bob"));
    }

    static String user(String name) {
        return state.computeIfAbsent(name + "Token", k -> {
            server.createUser(name, name + "-password");
            return fixtures.oauthToken(name);
        });
    }

    /** The browser that signed in, for the session rows after it. */
    static final List<Browser> browserHolder = new ArrayList<>();

    static String v2() {
        return state.computeIfAbsent("v2Token", k -> http.token("admin", PASSWORD, "repository:admin/pushed:pull,push"));
    }

    static JsonObject callback() {
        return new JsonObject().put("callback_url", "http://127.0.0.1:" + receiver.actualPort() + "/");
    }

    static String location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.startsWith("http") ? location : server.baseUrl() + location;
    }

    static HttpResponse<String> v2Send(HttpRequest.Builder builder) {
        return http.send(builder.build());
    }

    static List<Row> rows() {
        byte[] layer = Blobs.random(2048, 1);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
        byte[] loose = Blobs.random(512, 2);
        var rows = new ArrayList<Row>();
        // --- /api/v1
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/initialize", () -> {
            var r = json("POST", "/api/v1/user/initialize", null, new JsonObject().put("username", "admin")
                    .put("password", PASSWORD).put("email", "admin@example.com").put("access_token", true));
            if (r.statusCode() == 200) state.put("apiToken", new JsonObject(r.body()).getString("access_token"));
            return r;
        }, "user_create", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/", () -> {
            var browser = new Browser(server);
            browser.csrfToken();
            return browser.json("POST", "/api/v1/user/", new JsonObject().put("username", "bob")
                    .put("password", "bob-password").put("email", "bob@example.com"));
        }, "user_create", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/recovery", () -> {
            var browser = new Browser(server);
            browser.csrfToken();
            return browser.json("POST", "/api/v1/recovery", new JsonObject().put("email", "bob@example.com"));
        }, null, "asks for a recovery e-mail; Quay logs nothing (the password change that may follow is logged)"));
        rows.add(new Row(HttpMethod.POST, "/api/v1/repository", () -> json("POST", "/api/v1/repository", api(),
                new JsonObject().put("repository", "app").put("visibility", "private").put("description", "")),
                "create_repo", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/repository/admin/app", () -> json("PUT",
                "/api/v1/repository/admin/app", api(), new JsonObject().put("description", "new")),
                "set_repo_description", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/repository/admin/app/changevisibility", () -> json("POST",
                "/api/v1/repository/admin/app/changevisibility", api(), new JsonObject().put("visibility", "public")),
                "change_repo_visibility", null));
        // Dockerfile builds (no worker runs here: the build stays queued until cancelled)
        rows.add(new Row(HttpMethod.POST, "/api/v1/filedrop/", () -> {
            var r = json("POST", "/api/v1/filedrop/", api(), new JsonObject().put("mimeType", "text/plain"));
            var drop = new JsonObject(r.body());
            state.put("fileId", drop.getString("file_id"));
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(drop.getString("url")))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("FROM scratch\n")).build());
            return r;
        }, null, "announces a build context; Quay logs nothing until the build starts"));
        rows.add(new Row(HttpMethod.POST, "/api/v1/repository/admin/app/build/", () -> {
            var r = json("POST", "/api/v1/repository/admin/app/build/", api(),
                    new JsonObject().put("file_id", state.get("fileId")));
            if (r.statusCode() == 201) state.put("buildId", new JsonObject(r.body()).getString("id"));
            return r;
        }, "build_dockerfile", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/repository/admin/app/build/0b4c2b44-0000-4000-8000-000000000000",
                () -> json("DELETE", "/api/v1/repository/admin/app/build/" + state.get("buildId"), api(), new JsonObject()),
                "cancel_build", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/repository/admin/app/exportlogs", () -> json("POST",
                "/api/v1/repository/admin/app/exportlogs", api(), callback()), "export_logs_success", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/exportlogs", () -> json("POST", "/api/v1/user/exportlogs",
                api(), callback()), "export_logs_success", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/organization/", () -> json("POST", "/api/v1/organization/", api(),
                new JsonObject().put("name", "acme").put("email", "ops@acme.test")), "org_create", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/organization/acme/exportlogs", () -> json("POST",
                "/api/v1/organization/acme/exportlogs", api(), callback()), "export_logs_success", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/repository/admin/app", () -> json("DELETE",
                "/api/v1/repository/admin/app", api(), new JsonObject()), "delete_repo", null));
        // OAuth applications of an organization
        String apps = "/api/v1/organization/acme/applications";
        rows.add(new Row(HttpMethod.POST, apps, () -> {
            var r = json("POST", apps, api(), new JsonObject().put("name", "ci")
                    .put("redirect_uri", "https://ci.example/callback"));
            if (r.statusCode() == 200) state.put("clientId", new JsonObject(r.body()).getString("client_id"));
            return r;
        }, "create_application", null));
        rows.add(new Row(HttpMethod.PUT, apps + "/0123456789abcdefghij", () -> json("PUT", apps + "/" + state.get("clientId"),
                api(), new JsonObject().put("name", "ci2").put("redirect_uri", "https://ci.example/callback")
                        .put("application_uri", "https://ci.example/")), "update_application", null));
        rows.add(new Row(HttpMethod.POST, apps + "/0123456789abcdefghij/resetclientsecret", () -> json("POST",
                apps + "/" + state.get("clientId") + "/resetclientsecret", api(), new JsonObject()),
                "reset_application_client_secret", null));
        rows.add(new Row(HttpMethod.POST, apps + "/0123456789abcdefghij/tokens", () -> {
            var r = json("POST", apps + "/" + state.get("clientId") + "/tokens", api(), new JsonObject()
                    .put("name", "deploy").put("scope", "repo:read").put("expiration", 3600));
            if (r.statusCode() == 200) state.put("tokenUuid", new JsonObject(r.body()).getString("uuid"));
            return r;
        }, "create_oauth_api_token", null));
        rows.add(new Row(HttpMethod.DELETE, apps + "/0123456789abcdefghij/tokens/0b4c2b44-0000-4000-8000-000000000000",
                () -> json("DELETE", apps + "/" + state.get("clientId") + "/tokens/" + state.get("tokenUuid"), api(),
                        new JsonObject()), "revoke_oauth_api_token", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/user/authorizations/0b4c2b44-0000-4000-8000-000000000000", () -> {
            var minted = json("POST", apps + "/" + state.get("clientId") + "/tokens", api(), new JsonObject()
                    .put("name", "granted").put("scope", "repo:read"));
            assertEquals(200, minted.statusCode(), minted.body());
            return json("DELETE", "/api/v1/user/authorizations/" + new JsonObject(minted.body()).getString("uuid"),
                    api(), new JsonObject());
        }, "revoke_oauth_api_token", null));
        // app-specific tokens of the caller
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/apptoken", () -> {
            var r = json("POST", "/api/v1/user/apptoken", api(), new JsonObject().put("title", "ci"));
            if (r.statusCode() == 200) {
                state.put("appToken", new JsonObject(r.body()).getJsonObject("token").getString("uuid"));
            }
            return r;
        }, "create_app_specific_token", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/user/apptoken/0b4c2b44-0000-4000-8000-000000000000", () -> json(
                "DELETE", "/api/v1/user/apptoken/" + state.get("appToken"), api(), new JsonObject()),
                "revoke_app_specific_token", null));
        rows.add(new Row(HttpMethod.DELETE, apps + "/0123456789abcdefghij", () -> json("DELETE",
                apps + "/" + state.get("clientId"), api(), new JsonObject()), "delete_application", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/acme", () -> json("DELETE",
                "/api/v1/organization/acme", api(), new JsonObject()), "org_delete", null));
        // superusers (admin is one)
        rows.add(new Row(HttpMethod.POST, "/api/v1/superuser/users/", () -> json("POST", "/api/v1/superuser/users/",
                api(), new JsonObject().put("username", "carl").put("email", "carl@example.com")), "user_create", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/superuser/users/carl", () -> json("PUT", "/api/v1/superuser/users/carl",
                api(), new JsonObject().put("email", "carl2@example.com")), "user_change_email", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/superuser/users/carl", () -> json("DELETE",
                "/api/v1/superuser/users/carl", api(), new JsonObject()), "user_delete", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/superusers/users/bob/sendrecovery", () -> json("POST",
                "/api/v1/superusers/users/bob/sendrecovery", api(), new JsonObject()), null,
                "mails bob a recovery link; Quay logs nothing"));
        rows.add(new Row(HttpMethod.POST, "/api/v1/superuser/takeownership/bobs", () -> {
            var created = json("POST", "/api/v1/organization/", bob(), new JsonObject().put("name", "bobs")
                    .put("email", "ops@bobs.test"));
            assertEquals(201, created.statusCode(), created.body());
            return json("POST", "/api/v1/superuser/takeownership/bobs", api(), new JsonObject());
        }, "take_ownership", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/superuser/organizations/bobs", () -> json("PUT",
                "/api/v1/superuser/organizations/bobs", api(), new JsonObject().put("name", "bobs2")),
                "org_change_name", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/superuser/organizations/bobs2", () -> json("DELETE",
                "/api/v1/superuser/organizations/bobs2", api(), new JsonObject()), "org_delete", null));
        // organizations: settings, teams, members, invitations, robots, permissions, prototypes, conversion
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew", () -> {
            var created = json("POST", "/api/v1/organization/", api(), new JsonObject().put("name", "crew")
                    .put("email", "ops@crew.test"));
            assertEquals(201, created.statusCode(), created.body());
            return json("PUT", "/api/v1/organization/crew", api(), new JsonObject().put("email", "new@crew.test"));
        }, "org_change_email", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew/team/devs", () -> json("PUT",
                "/api/v1/organization/crew/team/devs", api(), new JsonObject().put("role", "member")),
                "org_create_team", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew/team/devs/members/bob", () -> json("PUT",
                "/api/v1/organization/crew/team/devs/members/bob", api(), new JsonObject()),
                "org_invite_team_member", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/teaminvite/code", () -> json("PUT",
                "/api/v1/teaminvite/" + Invitations.code(mail, "bob@example.com"), bob(), new JsonObject()),
                "org_team_member_invite_accepted", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/team/devs/members/bob", () -> json("DELETE",
                "/api/v1/organization/crew/team/devs/members/bob", api(), new JsonObject()),
                "org_remove_team_member", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew/team/devs/invite/someone@example.com", () -> json("PUT",
                "/api/v1/organization/crew/team/devs/invite/someone@example.com", api(), new JsonObject()),
                "org_invite_team_member", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/team/devs/invite/someone@example.com", () -> json(
                "DELETE", "/api/v1/organization/crew/team/devs/invite/someone@example.com", api(), new JsonObject()),
                "org_delete_team_member_invite", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/teaminvite/code", () -> {
            String dora = user("dora");
            var invited = json("PUT", "/api/v1/organization/crew/team/devs/members/dora", api(), new JsonObject());
            assertEquals(200, invited.statusCode(), invited.body());
            return json("DELETE", "/api/v1/teaminvite/" + Invitations.code(mail, "dora@example.com"), dora,
                    new JsonObject());
        }, "org_team_member_invite_declined", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew/robots/bot", () -> json("PUT",
                "/api/v1/organization/crew/robots/bot", api(), new JsonObject().put("description", "deploys")),
                "create_robot", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/organization/crew/robots/bot/regenerate", () -> json("POST",
                "/api/v1/organization/crew/robots/bot/regenerate", api(), new JsonObject()),
                "regenerate_robot_token", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/members/crew+bot", () -> {
            var joined = json("PUT", "/api/v1/organization/crew/team/devs/members/crew+bot", api(), new JsonObject());
            assertEquals(200, joined.statusCode(), joined.body());
            return json("DELETE", "/api/v1/organization/crew/members/crew+bot", api(), new JsonObject());
        }, "org_remove_team_member", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/robots/bot", () -> json("DELETE",
                "/api/v1/organization/crew/robots/bot", api(), new JsonObject()), "delete_robot", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/user/robots/builder", () -> json("PUT", "/api/v1/user/robots/builder",
                api(), new JsonObject().put("description", "builds")), "create_robot", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/robots/builder/regenerate", () -> json("POST",
                "/api/v1/user/robots/builder/regenerate", api(), new JsonObject()), "regenerate_robot_token", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/user/robots/builder", () -> json("DELETE",
                "/api/v1/user/robots/builder", api(), new JsonObject()), "delete_robot", null));
        String crewApp = "/api/v1/repository/crew/app/permissions";
        rows.add(new Row(HttpMethod.PUT, crewApp + "/user/bob", () -> {
            var created = json("POST", "/api/v1/repository", api(), new JsonObject().put("namespace", "crew")
                    .put("repository", "app").put("visibility", "private").put("description", ""));
            assertEquals(201, created.statusCode(), created.body());
            return json("PUT", crewApp + "/user/bob", api(), new JsonObject().put("role", "read"));
        }, "add_repo_permission", null));
        rows.add(new Row(HttpMethod.DELETE, crewApp + "/user/bob", () -> json("DELETE", crewApp + "/user/bob", api(),
                new JsonObject()), "delete_repo_permission", null));
        rows.add(new Row(HttpMethod.PUT, crewApp + "/team/devs", () -> json("PUT", crewApp + "/team/devs", api(),
                new JsonObject().put("role", "write")), "add_repo_permission", null));
        rows.add(new Row(HttpMethod.DELETE, crewApp + "/team/devs", () -> json("DELETE", crewApp + "/team/devs", api(),
                new JsonObject()), "delete_repo_permission", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/organization/crew/prototypes", () -> {
            var r = json("POST", "/api/v1/organization/crew/prototypes", api(), new JsonObject().put("role", "write")
                    .put("delegate", new JsonObject().put("name", "devs").put("kind", "team")));
            if (r.statusCode() == 200) state.put("prototype", new JsonObject(r.body()).getString("id"));
            return r;
        }, "create_prototype_permission", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/organization/crew/prototypes/0b4c2b44-0000-4000-8000-000000000000",
                () -> json("PUT", "/api/v1/organization/crew/prototypes/" + state.get("prototype"), api(),
                        new JsonObject().put("role", "read")), "modify_prototype_permission", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/prototypes/0b4c2b44-0000-4000-8000-000000000000",
                () -> json("DELETE", "/api/v1/organization/crew/prototypes/" + state.get("prototype"), api(),
                        new JsonObject()), "delete_prototype_permission", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/organization/crew/team/devs", () -> json("DELETE",
                "/api/v1/organization/crew/team/devs", api(), new JsonObject()), "org_delete_team", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/user/convert", () -> json("POST", "/api/v1/user/convert",
                user("ernie"), new JsonObject().put("adminUser", "admin").put("adminPassword", PASSWORD)),
                "account_convert", null));
        // browser sessions and account settings (bob)
        rows.add(new Row(HttpMethod.POST, "/api/v1/signin", () -> {
            var browser = new Browser(server);
            browserHolder.add(browser);
            return browser.signIn("bob", "bob-password");
        }, "login_success", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/signin/verify", () -> browserHolder.get(0).json("POST",
                "/api/v1/signin/verify", new JsonObject().put("password", "bob-password")), "login_success", null));
        rows.add(new Row(HttpMethod.POST, "/api/v1/signout", () -> browserHolder.get(0).json("POST", "/api/v1/signout",
                new JsonObject()), "logout_success", null));
        rows.add(new Row(HttpMethod.PUT, "/api/v1/user/", () -> json("PUT", "/api/v1/user/", bob(),
                new JsonObject().put("password", "bob-password-2")), "user_change_password", null));
        rows.add(new Row(HttpMethod.DELETE, "/api/v1/user/", () -> json("DELETE", "/api/v1/user/", bob(),
                new JsonObject()), "user_delete", null));
        // --- /v2
        rows.add(new Row(HttpMethod.POST, "/v2/admin/pushed/blobs/uploads/", () -> {
            var r = v2Send(http.request("/v2/admin/pushed/blobs/uploads/", v2()).POST(HttpRequest.BodyPublishers.noBody()));
            if (r.statusCode() == 202) state.put("upload", location(r));
            return r;
        }, "create_repo", null));
        rows.add(new Row(HttpMethod.PATCH, "/v2/admin/pushed/blobs/uploads/0b4c2b44-0000-4000-8000-000000000000",
                () -> {
                    var r = v2Send(http.request(state.get("upload"), v2()).header("Content-Type", "application/octet-stream")
                            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(layer)));
                    if (r.statusCode() == 202) state.put("upload", location(r));
                    return r;
                }, null, "a step of a blob upload; the push is logged as push_repo when its manifest is put"));
        rows.add(new Row(HttpMethod.PUT, "/v2/admin/pushed/blobs/uploads/0b4c2b44-0000-4000-8000-000000000000",
                () -> v2Send(http.request(state.get("upload") + (state.get("upload").contains("?") ? "&" : "?")
                        + "digest=" + Blobs.query(Blobs.sha256(layer)), v2()).PUT(HttpRequest.BodyPublishers.noBody())),
                null, "a step of a blob upload (it completes the blob); the push is logged as push_repo"));
        rows.add(new Row(HttpMethod.DELETE, "/v2/admin/pushed/blobs/uploads/0b4c2b44-0000-4000-8000-000000000000",
                () -> {
                    String session = location(v2Send(http.request("/v2/admin/pushed/blobs/uploads/", v2())
                            .POST(HttpRequest.BodyPublishers.noBody())));
                    return v2Send(http.request(session, v2()).DELETE());
                }, null, "cancels an unfinished blob upload, which no manifest can refer to yet"));
        rows.add(new Row(HttpMethod.PUT, "/v2/admin/pushed/manifests/v1", () -> {
            Blobs.push(http, "admin/pushed", v2(), config);
            var manifest = Fixtures.image(MediaTypes.OCI_MANIFEST,
                    Fixtures.descriptor("application/vnd.oci.image.config.v1+json", config), Fixtures.descriptor("application/vnd.oci.image.layer.v1.tar", layer));
            var r = new ManifestClient(http).put(v2(), "admin/pushed", "v1", MediaTypes.OCI_MANIFEST,
                    Fixtures.bytes(manifest));
            r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> state.put("digest", d));
            return r;
        }, "push_repo", null));
        rows.add(new Row(HttpMethod.DELETE, "/v2/admin/pushed/manifests/v1",
                () -> new ManifestClient(http).delete(v2(), "admin/pushed", "v1"), "delete_tag", null));
        rows.add(new Row(HttpMethod.DELETE, "/v2/admin/pushed/blobs/sha256:" + "0".repeat(64), () -> {
            Blobs.push(http, "admin/pushed", v2(), loose);
            return v2Send(http.request("/v2/admin/pushed/blobs/" + Blobs.sha256(loose), v2()).DELETE());
        }, null, "unlinks a blob that no manifest of the repository references; Quay answers 405 here and has no kind"));
        // tags and labels through /api/v1
        String pushed = "/api/v1/repository/admin/pushed";
        rows.add(new Row(HttpMethod.PUT, pushed + "/tag/v2", () -> json("PUT", pushed + "/tag/v2", api(),
                new JsonObject().put("manifest_digest", state.get("digest"))), "create_tag", null));
        rows.add(new Row(HttpMethod.DELETE, pushed + "/tag/v2", () -> json("DELETE", pushed + "/tag/v2", api(),
                new JsonObject()), "delete_tag", null));
        rows.add(new Row(HttpMethod.POST, pushed + "/tag/v2/restore", () -> json("POST", pushed + "/tag/v2/restore",
                api(), new JsonObject().put("manifest_digest", state.get("digest"))), "revert_tag", null));
        rows.add(new Row(HttpMethod.POST, pushed + "/tag/v2/expire", () -> json("POST", pushed + "/tag/v2/expire",
                api(), new JsonObject().put("is_alive", true)), "permanently_delete_tag", null));
        String labels = pushed + "/manifest/sha256:" + "0".repeat(64) + "/labels";
        rows.add(new Row(HttpMethod.POST, labels, () -> {
            var r = json("POST", pushed + "/manifest/" + state.get("digest") + "/labels", api(),
                    new JsonObject().put("key", "team").put("value", "infra").putNull("media_type"));
            if (r.statusCode() == 201) state.put("label", new JsonObject(r.body()).getJsonObject("label").getString("id"));
            return r;
        }, "manifest_label_add", null));
        rows.add(new Row(HttpMethod.DELETE, labels + "/0b4c2b44-0000-4000-8000-000000000000", () -> json("DELETE",
                pushed + "/manifest/" + state.get("digest") + "/labels/" + state.get("label"), api(), new JsonObject()),
                "manifest_label_delete", null));
        // with no time-machine window, a manifest whose only tag is deleted is garbage at once
        rows.add(new Row(HttpMethod.POST, "/api/v1/superuser/gc", () -> {
            var window = json("PUT", "/api/v1/user/", api(), new JsonObject().put("tag_expiration_s", 0));
            assertEquals(200, window.statusCode(), window.body());
            byte[] gcConfig = "{\"architecture\":\"arm64\",\"os\":\"linux\"}".getBytes();
            Blobs.push(http, "admin/pushed", v2(), gcConfig);
            Blobs.push(http, "admin/pushed", v2(), layer);
            var manifest = Fixtures.image(MediaTypes.OCI_MANIFEST,
                    Fixtures.descriptor("application/vnd.oci.image.config.v1+json", gcConfig),
                    Fixtures.descriptor("application/vnd.oci.image.layer.v1.tar", layer));
            var client = new ManifestClient(http);
            var put = client.put(v2(), "admin/pushed", "gc", MediaTypes.OCI_MANIFEST, Fixtures.bytes(manifest));
            assertEquals(201, put.statusCode(), put.body());
            assertEquals(202, client.delete(v2(), "admin/pushed", "gc").statusCode());
            return json("POST", "/api/v1/superuser/gc", api(), new JsonObject());
        }, "gc_delete_manifests", null));
        return rows;
    }

    // ---- the test -------------------------------------------------------------------------------------------------

    /** The routes of the /api/v1 and /v2 sub-routers that take writes. */
    static List<MountedRoute> writeRoutes() {
        var out = new ArrayList<MountedRoute>();
        collect(server.router(), "", out);
        return out.stream().filter(r -> SURFACES.stream().anyMatch(s -> r.prefix().equals(s)))
                .filter(r -> r.methods().isEmpty() || r.methods().stream().anyMatch(WRITES::contains)).toList();
    }

    private static void collect(Router router, String prefix, List<MountedRoute> out) {
        for (Route route : router.getRoutes()) {
            if (route.getSubRouter() != null) {
                collect(route.getSubRouter(), prefix + route.getPath().replaceAll("\\*$", ""), out);
            } else if (route.isRegexPath() || route.getPath() != null) {
                var methods = route.methods() == null ? Set.<HttpMethod>of() : route.methods();
                String pattern = route.isRegexPath() ? route.getName() : route.getPath();
                out.add(new MountedRoute(methods, prefix, pattern, route.isRegexPath()));
            }
        }
    }

    static long lastLogId() {
        fixtures.flushUsageLog();
        return fixtures.query("SELECT coalesce(max(id), 0) FROM usage_log", Tuple.tuple()).get(0).getLong(0);
    }

    static List<String> kindsSince(long id) {
        fixtures.flushUsageLog();
        return fixtures.query("SELECT kind FROM usage_log WHERE id > $1 ORDER BY id", Tuple.of(id)).stream()
                .map(r -> r.getString(0)).toList();
    }

    @Test
    void everyStateChangingRouteHasARowAndWritesItsKind() throws Exception {
        List<Row> rows = rows();
        List<MountedRoute> routes = writeRoutes();
        assertTrue(routes.size() >= 10, "the router enumeration found too little: " + routes);

        var uncovered = new ArrayList<String>();
        for (MountedRoute route : routes) {
            boolean covered = rows.stream().anyMatch(row -> route.matches(row.method(), row.samplePath()));
            if (!covered) uncovered.add(route.toString());
        }
        var stale = rows.stream().filter(row -> routes.stream().noneMatch(r -> r.matches(row.method(), row.samplePath())))
                .map(row -> row.method() + " " + row.samplePath()).toList();
        if (!uncovered.isEmpty() || !stale.isEmpty()) {
            fail("Routes that change state need a row in LogCompletenessIT.rows() (a request that succeeds and the "
                    + "usage-log kind it writes): " + uncovered + "; rows that match no route: " + stale);
        }

        for (Row row : rows) {
            String what = row.method() + " " + row.samplePath();
            long before = lastLogId();
            var response = row.request().get();
            assertTrue(response.statusCode() / 100 == 2, what + " answered " + response.statusCode() + " " + response.body());
            if (row.kind() == null) {
                assertTrue(row.reason() != null && !row.reason().isBlank(), what + ": a row without a kind needs a reason");
                assertEquals(List.of(), kindsSince(before), what + " logs nothing");
                continue;
            }
            assertTrue(LogKinds.known(row.kind()), row.kind());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!kindsSince(before).contains(row.kind())) {
                assertTrue(Instant.now().isBefore(deadline), what + " did not log " + row.kind() + ": "
                        + kindsSince(before) + "; it answered " + response.statusCode() + " " + response.headers().map());
                server.vertx().timer(100).await();
            }
        }
    }

    @Test
    void failedPushesAndPullsAreLoggedOnceInTheV2FailureHandler() {
        try (TestServer own = TestServer.start()) {
            failedPushesAndPullsAreLogged(own, new RegistryHttp(own), new Fixtures(own));
        }
    }

    private static void failedPushesAndPullsAreLogged(TestServer server, RegistryHttp http, Fixtures fixtures) {
        server.createUser("carol", "carol-password");
        long repoId = fixtures.repository("carol", "app", "private");
        String token = http.token("carol", "carol-password", "repository:carol/app:pull,push");
        var manifests = new ManifestClient(http);

        byte[] missingLayer = Blobs.random(100, 3);
        var manifest = Fixtures.image(MediaTypes.OCI_MANIFEST, Fixtures.descriptor("application/vnd.oci.image.config.v1+json", missingLayer),
                Fixtures.descriptor("application/vnd.oci.image.layer.v1.tar", missingLayer));
        assertEquals(400, manifests.put(token, "carol/app", "v1", MediaTypes.OCI_MANIFEST, Fixtures.bytes(manifest))
                .statusCode());
        assertEquals(404, manifests.get(token, "carol/app", "nope").statusCode());
        assertEquals(404, manifests.head(token, "carol/app", "nope").statusCode());
        assertEquals(404, http.send(http.request("/v2/carol/app/blobs/" + Blobs.sha256(missingLayer), token).GET()
                .build()).statusCode());
        assertEquals(404, manifests.delete(token, "carol/app", "nope").statusCode());
        // refused before access was granted: no entry (nothing is known about the caller's repository)
        assertEquals(401, manifests.get(null, "carol/app", "v1").statusCode());

        fixtures.flushUsageLog();
        var entries = fixtures.query("SELECT kind, repository_id, performer_name, metadata FROM usage_log ORDER BY id",
                Tuple.tuple());
        assertEquals(List.of("push_repo_failed", "pull_repo_failed", "pull_repo_failed", "delete_tag_failed"),
                entries.stream().map(r -> r.getString(0)).toList());
        for (var entry : entries) {
            assertEquals(repoId, entry.getLong(1));
            assertEquals("carol", entry.getString(2));
            assertEquals("app", entry.getJsonObject(3).getString("repo"));
        }
        assertEquals("v1", entries.get(0).getJsonObject(3).getString("tag"));
        assertEquals("MANIFEST_BLOB_UNKNOWN", entries.get(0).getJsonObject(3).getString("error_code"));
        assertEquals("nope", entries.get(1).getJsonObject(3).getString("tag"));
    }
}
