package io.berth.registry.clients;

import io.berth.registry.auth.AppTokenService;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker with an app-specific token: {@code docker login -u '$app'} with the token, push and pull as its user (the
 * usage log names the user and the token), and once the token is revoked its login and its pushes are refused.
 */
class AppTokenDockerClientIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;
    static String registry;
    static Path base;
    static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        server = TestServer.start();
        http = new RegistryHttp(server);
        registry = server.hostPort();
        alice = http.initialize("alice", "alice-password");
        base = Clients.busyboxRootfsTar(Clients.tempDir("apptoken-rootfs"));
    }

    @AfterAll
    static void stop() {
        Cli.withFreshHome("docker-cleanup").removeImages(created);
        if (server != null) server.close();
    }

    static JsonObject createToken(String title) {
        return new JsonObject(ok(http.api("POST", "/user/apptoken", alice, new JsonObject().put("title", title))).body())
                .getJsonObject("token");
    }

    @Test
    void dockerLogsInWithAnAppTokenPushesAndPullsUntilItIsRevoked() {
        var token = createToken("docker cli");
        Cli docker = Cli.withFreshHome("docker-apptoken");
        var login = docker.runWithInput(token.getString("token_code"), "docker", "login", "-u",
                AppTokenService.USERNAME, "--password-stdin", registry).ok();
        assertTrue(login.all().contains("Login Succeeded"), login.toString());

        String image = registry + "/alice/tool:1";
        created.add(image);
        docker.run("docker", "import", "--change", "CMD [\"/bin/sh\"]", base.toString(), image).ok();
        docker.run("docker", "push", image).ok();
        docker.run("docker", "rmi", image).ok();
        docker.run("docker", "pull", image).ok();
        assertEquals("pulled\n", docker.run("docker", "run", "--rm", "--network=none", image, "echo", "pulled").ok().out());

        var fixtures = new Fixtures(server);
        fixtures.flushUsageLog();
        var pushed = fixtures.query("""
                SELECT performer_name, performer_kind, metadata FROM usage_log WHERE kind = 'push_repo'""", Tuple.tuple());
        assertEquals(1, pushed.size());
        assertEquals("alice", pushed.get(0).getString(0));
        assertEquals("user", pushed.get(0).getString(1));
        assertEquals(token.getString("uuid"), pushed.get(0).getJsonObject(2).getString("app_specific_token"));

        assertEquals(204, http.api("DELETE", "/user/apptoken/" + token.getString("uuid"), alice, null).statusCode());
        String again = registry + "/alice/tool:2";
        created.add(again);
        docker.run("docker", "tag", image, again).ok();
        Clients.assertDenied(docker.run("docker", "push", again));
        var refused = Cli.withFreshHome("docker-apptoken-revoked").runWithInput(token.getString("token_code"), "docker",
                "login", "-u", AppTokenService.USERNAME, "--password-stdin", registry);
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.all().toLowerCase().contains("unauthorized"), refused.toString());
    }
}
