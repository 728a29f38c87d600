package io.berth.registry.clients;

import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docker with a robot account's credentials: {@code docker login} as the robot, push where it may write, refused where
 * it may only read; the {@code config.json} from the credentials endpoint works as it is; a regenerated token ends
 * the old login.
 */
class RobotDockerClientIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;
    static String registry;
    static String robotToken;
    static Path base;
    static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        server = TestServer.start();
        http = new RegistryHttp(server);
        registry = server.hostPort();
        alice = http.initialize("alice", "alice-password");
        ok(http.api("POST", "/organization/", alice, new JsonObject().put("name", "fleet")));
        robotToken = new JsonObject(ok(http.api("PUT", "/organization/fleet/robots/pusher", alice,
                new JsonObject().put("description", "CI"))).body()).getString("token");
        for (String repo : List.of("writable", "readable")) {
            ok(http.api("POST", "/repository", alice, new JsonObject().put("namespace", "fleet").put("repository", repo)
                    .put("visibility", "private").put("description", "")));
        }
        ok(http.api("PUT", "/repository/fleet/writable/permissions/user/fleet+pusher", alice,
                new JsonObject().put("role", "write")));
        ok(http.api("PUT", "/repository/fleet/readable/permissions/user/fleet+pusher", alice,
                new JsonObject().put("role", "read")));
        base = Clients.busyboxRootfsTar(Clients.tempDir("robot-rootfs"));
    }

    @AfterAll
    static void stop() {
        Cli.withFreshHome("docker-cleanup").removeImages(created);
        if (server != null) server.close();
    }

    static void importImage(Cli cli, String reference) {
        created.add(reference);
        cli.run("docker", "import", "--change", "CMD [\"/bin/sh\"]", base.toString(), reference).ok();
    }

    @Test
    void aRobotPushesWhereItMayWriteAndIsRefusedWhereItMayOnlyRead() {
        Cli robot = Cli.withFreshHome("docker-robot");
        robot.runWithInput(robotToken, "docker", "login", "-u", "fleet+pusher", "--password-stdin", registry).ok();

        String writable = registry + "/fleet/writable:1";
        importImage(robot, writable);
        robot.run("docker", "push", writable).ok();

        String readable = registry + "/fleet/readable:1";
        robot.run("docker", "tag", writable, readable).ok();
        created.add(readable);
        Clients.assertDenied(robot.run("docker", "push", readable));

        // it may read there: alice pushes, the robot pulls
        Cli owner = Cli.withFreshHome("docker-alice");
        owner.runWithInput("alice-password", "docker", "login", "-u", "alice", "--password-stdin", registry).ok();
        owner.run("docker", "push", readable).ok();
        robot.run("docker", "rmi", readable).ok();
        robot.run("docker", "pull", readable).ok();
    }

    @Test
    void theDownloadedDockerConfigWorksAndARegeneratedTokenEndsIt() {
        var credentials = new JsonObject(ok(http.api("GET", "/organization/fleet/robots/pusher/credentials", alice, null))
                .body());
        Cli robot = Cli.withFreshHome("docker-robot-config");
        Clients.writeFile(robot.home().resolve("docker/config.json"), credentials.getJsonObject("docker_config").encode());

        String image = registry + "/fleet/writable:2";
        importImage(robot, image);
        robot.run("docker", "push", image).ok();

        ok(http.api("POST", "/organization/fleet/robots/pusher/regenerate", alice, null));
        String again = registry + "/fleet/writable:3";
        robot.run("docker", "tag", image, again).ok();
        created.add(again);
        Clients.assertDenied(robot.run("docker", "push", again));
        robotToken = new JsonObject(ok(http.api("GET", "/organization/fleet/robots/pusher", alice, null)).body())
                .getString("token");
        assertEquals(64, robotToken.length());
    }
}
