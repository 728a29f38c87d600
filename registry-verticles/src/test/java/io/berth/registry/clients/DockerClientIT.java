package io.berth.registry.clients;

import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docker CLI and dockerd against a real Berth node: login, push, build, pull, run, digests, anonymous pulls. */
class DockerClientIT {
    static TestServer server;
    static Cli alice;
    static String registry;
    static Path work;
    static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        registry = server.hostPort();
        work = Clients.tempDir("docker-it");
        alice = Cli.withFreshHome("docker-alice");
        alice.runWithInput("alice-password", "docker", "login", "-u", "alice", "--password-stdin", registry).ok();
    }

    @AfterAll
    static void stop() {
        alice.removeImages(created);
        if (server != null) server.close();
    }

    @Test
    void loginStoresCredentialsForTheRegistry() {
        String config = Clients.read(alice.home().resolve("docker/config.json"));
        assertTrue(config.contains("\"" + registry + "\""), config);
    }

    @Test
    void loginWithWrongPasswordFails() {
        var r = Cli.withFreshHome("docker-wrong")
                .runWithInput("not-the-password", "docker", "login", "-u", "alice", "--password-stdin", registry);
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.all().toLowerCase().contains("unauthorized"), r.toString());
    }

    @Test
    void buildPushPullRunReuseLayersAndPullByDigest() {
        String base = registry + "/alice/base:1";
        importBase(base);
        alice.run("docker", "push", base).ok();

        // three layers on top of the base: RUN, COPY, RUN
        Path context = work.resolve("context");
        Clients.writeFile(context.resolve("hello.txt"), "hello from the build context\n");
        Clients.writeFile(context.resolve("Dockerfile"), """
                FROM %s
                RUN mkdir -p /app && echo built-by-docker > /app/built.txt
                COPY hello.txt /app/hello.txt
                RUN echo layer-three > /app/three.txt
                CMD ["/bin/cat", "/app/built.txt", "/app/hello.txt", "/app/three.txt"]
                """.formatted(base));
        String app = registry + "/alice/app:1";
        created.add(app);
        alice.run("docker", "build", "--network=host", "-t", app, context.toString()).ok();
        assertEquals("4", alice.run("docker", "image", "inspect", "--format", "{{len .RootFS.Layers}}", app).ok()
                .out().trim());

        var push = alice.run("docker", "push", app).ok();
        String digest = Clients.digestIn(push.out());

        // pull everything back from Berth: no layer may come from the local cache
        alice.run("docker", "rmi", app, base).ok();
        var pull = alice.run("docker", "pull", app).ok();
        assertTrue(pull.out().contains(digest), pull.toString());
        var run = alice.run("docker", "run", "--rm", "--network=none", app).ok();
        assertEquals("built-by-docker\nhello from the build context\nlayer-three\n", run.out());

        // a second tag of the same image uploads nothing new
        String second = registry + "/alice/app:2";
        created.add(second);
        alice.run("docker", "tag", app, second).ok();
        var again = alice.run("docker", "push", second).ok();
        assertTrue(again.out().contains("Layer already exists"), again.toString());
        assertEquals(digest, Clients.digestIn(again.out()));

        String byDigest = registry + "/alice/app@" + digest;
        created.add(byDigest);
        alice.run("docker", "rmi", app, second).ok();
        var pulledByDigest = alice.run("docker", "pull", byDigest).ok();
        assertTrue(pulledByDigest.out().contains(digest), pulledByDigest.toString());
        assertEquals("built-by-docker\nhello from the build context\nlayer-three\n",
                alice.run("docker", "run", "--rm", "--network=none", byDigest).ok().out());
    }

    @Test
    void anonymousPullOfPrivateRepositoryFailsUntilItIsPublic() {
        String image = registry + "/alice/secret:1";
        importBase(image);
        alice.run("docker", "push", image).ok();
        alice.run("docker", "rmi", image).ok();

        Cli anonymous = Cli.withFreshHome("docker-anonymous");
        var denied = anonymous.run("docker", "pull", image);
        Clients.assertDenied(denied);

        Clients.makePublic(server, "alice", "secret");
        anonymous.run("docker", "pull", image).ok();
        assertEquals("public\n", anonymous.run("docker", "run", "--rm", "--network=none", image, "echo", "public")
                .ok().out());
    }

    private static void importBase(String reference) {
        created.add(reference);
        Path tar = Clients.busyboxRootfsTar(Clients.tempDir("rootfs"));
        alice.run("docker", "import", "--change", "CMD [\"/bin/sh\"]", tar.toString(), reference).ok();
    }
}
