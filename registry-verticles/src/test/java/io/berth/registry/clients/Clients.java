package io.berth.registry.clients;

import io.berth.registry.testing.TestServer;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the real-client tests need from the machine, and small shared steps. A missing client skips the test on a
 * developer's machine but fails it in CI ({@code CI=true}), where {@code .ci/run} must have installed it.
 */
public final class Clients {
    public static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    private Clients() {}

    public static void require(boolean present, String what) {
        require(CI, present, what);
    }

    static void require(boolean ci, boolean present, String what) {
        if (ci) {
            if (!present) fail(what + " is missing in CI; .ci/run must install and start it");
        } else {
            assumeTrue(present, what + " is missing; skipping (set CI=true to make this a failure)");
        }
    }

    static void requireTool(String tool) {
        require(onPath(tool), tool);
    }

    /** The docker CLI and a daemon that answers it. */
    public static void requireDocker() {
        requireTool("docker");
        boolean answers = Cli.withFreshHome("docker-info").run(Duration.ofSeconds(60), null, "docker", "info").exit() == 0;
        require(answers, "a running dockerd (docker info)");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /**
     * A root filesystem with a statically linked busybox (Debian's busybox-static) and the applet links a Dockerfile
     * RUN needs: a base image small enough to build, push and run with no registry on the internet.
     */
    public static Path busyboxRootfs(Path workDir) {
        Path busybox = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        require(busybox != null, "busybox (Debian package busybox-static)");
        try {
            Path rootfs = Files.createDirectories(workDir.resolve("rootfs"));
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.copy(busybox, bin.resolve("busybox"));
            for (String applet : List.of("sh", "echo", "cat", "ls", "mkdir", "touch", "true", "env", "sha256sum", "wc")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            return rootfs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #busyboxRootfs} as a tarball, for {@code docker import} and {@code podman import}. */
    public static Path busyboxRootfsTar(Path workDir) {
        Path rootfs = busyboxRootfs(workDir);
        Path tar = workDir.resolve("rootfs.tar");
        Cli.withFreshHome("tar").run("tar", "-C", rootfs.toString(), "--numeric-owner", "--owner=0", "--group=0",
                "-cf", tar.toString(), ".").ok();
        return tar;
    }

    /** A fresh directory under this JVM's scratch root, which is deleted when the JVM exits. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(scratchRoot(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path scratchRoot;

    private static synchronized Path scratchRoot() throws IOException {
        if (scratchRoot == null) {
            Path root = Files.createTempDirectory("berth-clients");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            scratchRoot = root;
        }
        return scratchRoot;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover scratch directory in /tmp is harmless
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeFile(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes a repository public through the repository service, as the Quay endpoint
     * ({@code POST /api/v1/repository/{ns}/{name}/changevisibility}) will once it exists.
     */
    public static void makePublic(TestServer server, String namespace, String name) {
        var repositories = server.services().repositories();
        try {
            var repo = repositories.find(RepositoryName.parse(namespace + "/" + name, null)).await(30, TimeUnit.SECONDS);
            assertNotNull(repo, "repository " + namespace + "/" + name + " should exist after the push");
            var owner = new Identity(repo.namespaceId(), namespace, Identity.Kind.USER, null);
            repositories.setVisibility(owner, repo, "public", "127.0.0.1").await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts that a client command failed because the registry refused access, not for any other reason. */
    static void assertDenied(Cli.Result result) {
        org.junit.jupiter.api.Assertions.assertNotEquals(0, result.exit(), result.toString());
        String text = result.all().toLowerCase();
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("unauthorized") || text.contains("denied")
                || text.contains("authentication required"), "expected an access refusal: " + result);
    }

    /** The {@code sha256:…} digest after the last {@code @} of a pulled or inspected reference. */
    public static String digestIn(String text) {
        var m = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}").matcher(text);
        String last = null;
        while (m.find()) last = m.group();
        if (last == null) fail("no sha256 digest in: " + text);
        return last;
    }
}
