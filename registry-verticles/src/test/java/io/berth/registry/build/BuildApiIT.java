package io.berth.registry.build;

import io.berth.model.event.BuildEvent;
import io.berth.registry.clients.Cli;
import io.berth.registry.clients.Clients;
import io.berth.registry.testing.Builds;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dockerfile builds end to end on one node with its in-process worker and the real Docker engine: base images are a
 * busybox-static root filesystem pushed into Berth first, and every build pulls them from Berth.
 */
class BuildApiIT {
    static final Duration BUILD_TIME = Duration.ofMinutes(3);
    static TestServer server;
    static Builds builds;
    static Fixtures db;
    static Cli docker;
    static String registry;
    static String alice;
    static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        server = TestServer.start(Map.of("BUILD_LEASE", "20s"));
        builds = new Builds(server);
        db = new Fixtures(server);
        registry = server.hostPort();
        server.createUser("alice", "alice-password");
        alice = builds.token("alice");
        docker = Cli.withFreshHome("build-it");
        docker.runWithInput("alice-password", "docker", "login", "-u", "alice", "--password-stdin", registry).ok();
        pushBase("alice/base:1");
        Clients.makePublic(server, "alice", "base");
        pushBase("alice/secret-base:1");
        db.repository("alice", "app", "private");
        Builds.until(Duration.ofSeconds(30), "the build manager", () -> server.services().buildManager().active() ? true : null);
    }

    /** Imports the busybox root filesystem, pushes it into Berth and drops the local copy, so builds pull it. */
    static void pushBase(String name) {
        Path tar = Clients.busyboxRootfsTar(Clients.tempDir("rootfs"));
        String image = registry + "/" + name;
        docker.run("docker", "import", "--change", "CMD [\"/bin/sh\"]", tar.toString(), image).ok();
        docker.run("docker", "push", image).ok();
        docker.run("docker", "rmi", image).ok();
        // workers keep pulled base images as a cache; the test leaves the engine as it found it
        images.add(image);
    }

    @AfterAll
    static void stop() {
        if (!images.isEmpty()) {
            var args = new ArrayList<>(List.of("docker", "rmi", "-f"));
            args.addAll(images);
            docker.run(args.toArray(String[]::new));
        }
        if (server != null) server.close();
    }

    static JsonObject build(byte[] context, JsonObject request) {
        String file = builds.drop(alice, context);
        String uuid = builds.start(alice, "alice/app", request.copy().put("file_id", file)).getString("id");
        return builds.awaitFinished(alice, "alice/app", uuid, BUILD_TIME);
    }

    static List<JsonObject> logEntries(String uuid) {
        var entries = new ArrayList<JsonObject>();
        builds.logs(alice, "alice/app", uuid).getJsonArray("logs").forEach(e -> entries.add((JsonObject) e));
        return entries;
    }

    static String log(String uuid) {
        var text = new StringBuilder();
        logEntries(uuid).forEach(e -> text.append(e.getString("message")).append('\n'));
        return text.toString();
    }

    static void assertPhase(String phase, JsonObject status) {
        assertEquals(phase, status.getString("phase"), () -> status.encodePrettily() + "\n" + log(status.getString("id")));
    }

    /** The built image runs: pulled from Berth by docker, its output is as expected. */
    static void assertRuns(String reference, String output) {
        String image = registry + "/alice/app:" + reference;
        images.add(image);
        docker.run("docker", "pull", image).ok();
        assertEquals(output, docker.run("docker", "run", "--rm", "--network=none", image).ok().out());
    }

    @Test
    void aDockerfileBuildPushesTwoTagsThatDockerPulls() {
        byte[] dockerfile = """
                FROM %s/alice/base:1
                RUN echo built-by-berth > /built.txt
                CMD ["/bin/cat", "/built.txt"]
                """.formatted(registry).getBytes(StandardCharsets.UTF_8);
        var status = build(dockerfile, new JsonObject().put("docker_tags", new JsonArray().add("one").add("two")));
        assertPhase("complete", status);
        String uuid = status.getString("id");
        assertRuns("one", "built-by-berth\n");
        assertRuns("two", "built-by-berth\n");
        var digests = status.getJsonObject("manifest_digests");
        assertEquals(digests.getString("one"), digests.getString("two"));
        String inspected = docker.run("docker", "image", "inspect", "--format", "{{index .RepoDigests 0}}",
                registry + "/alice/app:one").ok().out().trim();
        assertEquals(registry + "/alice/app@" + digests.getString("one"), inspected);

        var entries = logEntries(uuid);
        var phases = entries.stream().filter(e -> "phase".equals(e.getString("type"))).map(e -> e.getString("message")).toList();
        assertEquals(List.of("build-scheduled", "unpacking", "pulling", "building", "pushing", "complete"), phases);
        var pulling = entries.stream().filter(e -> "pulling".equals(e.getString("message"))).findFirst().orElseThrow();
        assertEquals(registry + "/alice/base", pulling.getJsonObject("data").getString("base_image"));
        assertEquals("1", pulling.getJsonObject("data").getString("base_image_tag"));
        assertTrue(entries.stream().anyMatch(e -> "command".equals(e.getString("type"))
                && e.getString("message").startsWith("Step 2/3 : RUN echo built-by-berth")), log(uuid));

        var events = builds.events(uuid).stream().map(e -> e.getString("event")).toList();
        assertEquals(List.of(BuildEvent.QUEUED, BuildEvent.START, BuildEvent.SUCCESS), events);
        db.flushUsageLog();
        var pushes = db.query("""
                SELECT performer_kind, metadata FROM usage_log WHERE kind = 'push_repo' AND metadata->>'build_id' = $1""",
                Tuple.of(uuid));
        assertEquals(2, pushes.size(), "one push_repo per tag, by the build");
        pushes.forEach(r -> assertEquals("build", r.getString("performer_kind")));
    }

    @Test
    void anArchiveBuildsFromItsSubdirectoryContext() throws IOException {
        byte[] archive = targz(Map.of(
                "sub/Dockerfile", "FROM %s/alice/base:1\nCOPY hello.txt /hello.txt\nCMD [\"/bin/cat\", \"/hello.txt\"]\n"
                        .formatted(registry),
                "sub/hello.txt", "hello from the subdirectory\n",
                "outside.txt", "not in the context\n"), Map.of());
        var status = build(archive, new JsonObject().put("subdirectory", "sub").put("docker_tags", new JsonArray().add("sub")));
        assertPhase("complete", status);
        assertEquals("/sub", status.getString("context"));
        assertRuns("sub", "hello from the subdirectory\n");
    }

    @Test
    void archivesThatLeaveTheirContextOrIgnoreTheDockerfileFail() throws IOException {
        String dockerfile = "FROM %s/alice/base:1\n".formatted(registry);
        var climbing = build(targz(Map.of("Dockerfile", dockerfile, "../evil.txt", "x"), Map.of()), new JsonObject());
        assertPhase("error", climbing);
        assertEquals("The archive holds a path that leaves it: ../evil.txt", climbing.getString("error"));

        // sub/Dockerfile is a link to the Dockerfile above the context sub/
        var escaping = build(targz(Map.of("Dockerfile", dockerfile, "sub/keep.txt", "x"),
                Map.of("sub/Dockerfile", "../Dockerfile")), new JsonObject().put("subdirectory", "sub"));
        assertPhase("error", escaping);
        assertEquals("The Dockerfile must be inside the build context", escaping.getString("error"));

        var linkOut = build(targz(Map.of("Dockerfile", dockerfile), Map.of("passwd", "../../../../etc/passwd")),
                new JsonObject());
        assertPhase("error", linkOut);
        assertEquals("The archive holds a symbolic link that leaves it: passwd -> ../../../../etc/passwd",
                linkOut.getString("error"));
        var ignored = build(targz(Map.of("Dockerfile", dockerfile, ".dockerignore", "Dockerfile\n"), Map.of()),
                new JsonObject());
        assertPhase("error", ignored);
        assertTrue(ignored.getString("error").contains("excluded"), ignored.getString("error"));
        for (var status : List.of(climbing, escaping, linkOut, ignored)) assertTriedOnce(status.getString("id"));
    }

    @Test
    void aFailingRunIsAnErrorWithItsOutputAndIsNotRetried() {
        var status = build("""
                FROM %s/alice/base:1
                RUN echo went wrong on purpose && exit 3
                """.formatted(registry).getBytes(StandardCharsets.UTF_8), new JsonObject());
        assertPhase("error", status);
        assertTrue(status.getString("error").contains("returned a non-zero code: 3"), status.getString("error"));
        String uuid = status.getString("id");
        assertTrue(logEntries(uuid).stream().anyMatch(e -> e.getString("message").equals("went wrong on purpose")), log(uuid));
        assertTriedOnce(uuid);
        builds.awaitEvent(uuid, BuildEvent.FAILURE, Duration.ofSeconds(10));
    }

    static void assertTriedOnce(String uuid) {
        assertEquals(2, db.query("SELECT retries_remaining FROM build WHERE uuid = $1::uuid", Tuple.of(uuid)).get(0)
                .getInteger(0));
        assertEquals(1, logEntries(uuid).stream().filter(e -> "build-scheduled".equals(e.getString("message"))).count());
    }

    @Test
    void aPrivateBaseImageIsPulledWithThePullRobot() {
        byte[] dockerfile = """
                FROM %s/alice/secret-base:1
                RUN echo from-a-private-base > /private.txt
                CMD ["/bin/cat", "/private.txt"]
                """.formatted(registry).getBytes(StandardCharsets.UTF_8);
        var anonymous = build(dockerfile, new JsonObject().put("docker_tags", new JsonArray().add("private")));
        assertPhase("error", anonymous);
        assertTrue(anonymous.getString("error").startsWith("Could not pull base image " + registry + "/alice/secret-base:1"),
                anonymous.getString("error"));

        var robot = builds.json("PUT", "/api/v1/user/robots/builder", alice, new JsonObject());
        assertEquals(201, robot.statusCode(), robot.body());
        var grant = builds.json("PUT", "/api/v1/repository/alice/secret-base/permissions/user/alice+builder", alice,
                new JsonObject().put("role", "read"));
        assertEquals(200, grant.statusCode(), grant.body());
        var status = build(dockerfile, new JsonObject().put("docker_tags", new JsonArray().add("private"))
                .put("pull_robot", "alice+builder"));
        assertPhase("complete", status);
        assertEquals(new JsonObject().put("name", "alice+builder").put("kind", "user").put("is_robot", true),
                status.getJsonObject("pull_robot"));
        assertRuns("private", "from-a-private-base\n");
        String token = new JsonObject(robot.body()).getString("token");
        var sealed = db.query("SELECT pull_credentials FROM build WHERE uuid = $1::uuid", Tuple.of(status.getString("id")))
                .get(0).getString(0);
        assertTrue(!sealed.contains(token), "the robot's token is stored sealed");
    }

    /** A gzipped tar of files and symbolic links, entries written as named (even when they climb out). */
    static byte[] targz(Map<String, String> files, Map<String, String> links) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(bytes); var tar = new TarArchiveOutputStream(gz)) {
            for (var f : new java.util.TreeMap<>(files).entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                var entry = new TarArchiveEntry(f.getKey(), true);
                entry.setSize(content.length);
                entry.setMode(0644);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            for (var l : links.entrySet()) {
                var entry = new TarArchiveEntry(l.getKey(), TarArchiveEntry.LF_SYMLINK, true);
                entry.setLinkName(l.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
