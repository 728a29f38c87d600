package io.berth.registry.clients;

import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** buildah builds an image from scratch, pushes it to Berth, pulls it back into a new container and runs in it. */
class BuildahClientIT {
    static TestServer server;
    static Cli alice;
    static String registry;
    static final List<String> containers = new ArrayList<>();
    static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireTool("buildah");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        registry = server.hostPort();
        alice = Cli.withFreshHome("buildah-alice");
        alice.runWithInput("alice-password", "buildah", "login", "--tls-verify=false", "-u", "alice", "--password-stdin",
                registry).ok();
    }

    @AfterAll
    static void stop() {
        for (String c : containers) alice.run("buildah", "rm", c);
        for (String i : images) alice.run("buildah", "rmi", "-f", i);
        if (server != null) server.close();
    }

    @Test
    void fromCommitPushThenPullAndRun() throws IOException {
        Path work = Clients.tempDir("buildah-it");
        Path rootfs = Clients.busyboxRootfs(work);
        Files.writeString(Files.createDirectories(rootfs.resolve("etc")).resolve("berth.txt"), "made-by-buildah\n");

        String image = registry + "/alice/buildah:1";
        images.add(image);
        String builder = container(alice.run("buildah", "from", "scratch").ok().out().trim());
        alice.run("buildah", "copy", builder, rootfs.toString(), "/").ok();
        alice.run("buildah", "config", "--cmd", "[\"/bin/cat\", \"/etc/berth.txt\"]", builder).ok();
        alice.run("buildah", "commit", builder, image).ok();
        alice.run("buildah", "push", "--tls-verify=false", image).ok();

        // forget the local copy, then pull it back through buildah from
        alice.run("buildah", "rm", builder).ok();
        containers.remove(builder);
        alice.run("buildah", "rmi", "-f", image).ok();
        String pulled = container(alice.run("buildah", "from", "--tls-verify=false", image).ok().out().trim());
        assertEquals("made-by-buildah\n",
                alice.run("buildah", "run", "--network", "none", pulled, "/bin/cat", "/etc/berth.txt").ok().out());
    }

    private static String container(String id) {
        containers.add(id);
        return id;
    }
}
