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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet on loopback: a registry node and two builder-worker processes ({@code WorkerMain}, as {@code java -jar
 * berth-builder.jar} runs it) in one Hazelcast cluster joined by TCP/IP on 127.0.0.1, later a second registry node.
 * Builds spread over the workers, survive a killed worker, can be cancelled while running, and go on when the
 * active build manager's node stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildFleetIT {
    static final Duration BUILD_TIME = Duration.ofMinutes(3);
    static final String SECRET = "fleet-test-cluster-secret";
    static TestServer registry;
    static TestServer standby;
    static Builds builds;
    static Fixtures db;
    static String alice;
    static Cli docker;
    static Path work;
    static String base;
    static List<Integer> clusterPorts = new ArrayList<>();
    static final Map<Long, Process> workers = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        Clients.requireDocker();
        work = Clients.tempDir("fleet");
        for (int i = 0; i < 4; i++) clusterPorts.add(TestServer.freePort());
        registry = TestServer.start(node(0));
        builds = new Builds(registry);
        db = new Fixtures(registry);
        registry.createUser("alice", "alice-password");
        alice = builds.token("alice");
        docker = Cli.withFreshHome("fleet-docker");
        docker.runWithInput("alice-password", "docker", "login", "-u", "alice", "--password-stdin", registry.hostPort()).ok();
        base = registry.hostPort() + "/alice/base:1";
        docker.run("docker", "import", "--change", "CMD [\"/bin/sh\"]",
                Clients.busyboxRootfsTar(Clients.tempDir("rootfs")).toString(), base).ok();
        docker.run("docker", "push", base).ok();
        docker.run("docker", "rmi", base).ok();
        Clients.makePublic(registry, "alice", "base");
        db.repository("alice", "app", "private");
        startWorker(2);
        startWorker(3);
    }

    /** Config of registry node {@code i}: clustered, no in-process worker, short leases. */
    static Map<String, Object> node(int i) {
        return Map.of("BUILD_LOCAL_WORKER", false, "BUILD_LEASE", "6s", "CLUSTER_MEMBERS", members(),
                "CLUSTER_PORT", clusterPorts.get(i), "CLUSTER_SECRET", SECRET);
    }

    static List<String> members() {
        return clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    /** Starts {@code WorkerMain} in a JVM of its own and waits until it is ready. */
    static void startWorker(int slot) throws IOException {
        Path config = work.resolve("worker-" + slot + ".yaml");
        Files.writeString(config, """
                CLUSTER_MEMBERS: [%s]
                CLUSTER_PORT: %d
                CLUSTER_SECRET: %s
                WORK_DIR: %s
                """.formatted(String.join(", ", members()), clusterPorts.get(slot), SECRET, work.resolve("work-" + slot)));
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
        command.addAll(List.of("-Xmx192m", "-cp", System.getProperty("java.class.path"),
                "io.berth.builder.WorkerMain", "--config", config.toString()));
        Path log = work.resolve("worker-" + slot + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        workers.put(process.pid(), process);
        Builds.until(Duration.ofMinutes(2), "worker " + slot + " to be ready", () -> {
            if (!process.isAlive()) throw new AssertionError("worker " + slot + " exited: " + read(log));
            return read(log).contains("is ready") ? true : null;
        });
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @AfterAll
    static void stop() {
        workers.values().forEach(Process::destroyForcibly);
        // workers keep pulled base images as a cache; the test leaves the engine as it found it
        if (docker != null) docker.run("docker", "rmi", "-f", base);
        if (standby != null) {
            docker.run("docker", "rmi", "-f", standby.hostPort() + "/alice/base:1");
            standby.close();
        }
        if (registry != null) registry.close();
    }

    static String queue(Builds on, String host, String body) {
        String dockerfile = "FROM " + host + "/alice/base:1\n" + body;
        String file = on.drop(alice, dockerfile.getBytes(StandardCharsets.UTF_8));
        return on.start(alice, "alice/app", new JsonObject().put("file_id", file)
                .put("docker_tags", new JsonArray().add("t" + Long.toHexString(System.nanoTime())))).getString("id");
    }

    static JsonObject row(String uuid) {
        return db.query("SELECT phase, worker_id, retries_remaining FROM build WHERE uuid = $1::uuid", Tuple.of(uuid))
                .get(0).toJson();
    }

    static String log(Builds on, String uuid) {
        return on.logs(alice, "alice/app", uuid).getJsonArray("logs").stream()
                .map(e -> ((JsonObject) e).getString("message")).collect(Collectors.joining("\n"));
    }

    static void assertComplete(Builds on, String uuid) {
        var status = on.awaitFinished(alice, "alice/app", uuid, BUILD_TIME);
        assertEquals("complete", status.getString("phase"), () -> status.encodePrettily() + "\n" + log(on, uuid));
    }

    @Test
    @Order(1)
    void tenBuildsSpreadOverBothWorkers() {
        var uuids = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            uuids.add(queue(builds, registry.hostPort(), "RUN /bin/busybox sleep 1 && echo " + i + " > /n\n"));
        }
        uuids.forEach(uuid -> assertComplete(builds, uuid));
        Set<String> ranOn = uuids.stream().map(u -> row(u).getString("worker_id")).collect(Collectors.toSet());
        assertEquals(2, ranOn.size(), "builds ran on " + ranOn);
    }

    @Test
    @Order(2)
    void aKilledWorkersBuildCompletesOnTheOther() {
        String uuid = queue(builds, registry.hostPort(), "RUN /bin/busybox sleep 8 && echo survived > /s\n");
        var running = Builds.until(BUILD_TIME, "the build to run", () -> {
            var r = row(uuid);
            return "building".equals(r.getString("phase")) ? r : null;
        });
        String first = running.getString("worker_id");
        long pid = Long.parseLong(first.split("-")[1]);
        workers.remove(pid).destroyForcibly();

        assertComplete(builds, uuid);
        var done = row(uuid);
        assertNotEquals(first, done.getString("worker_id"));
        assertEquals(1, done.getInteger("retries_remaining"), "the second of three tries");
        assertTrue(log(builds, uuid).contains(BuildQueue.WORKER_LOST + "; the build will be retried"), log(builds, uuid));
    }

    @Test
    @Order(3)
    void cancellingARunningBuildStopsItsContainer() {
        String marker = "sleep " + (300 + (System.nanoTime() % 600));
        String uuid = queue(builds, registry.hostPort(), "RUN /bin/busybox " + marker + "\n");
        Builds.until(BUILD_TIME, "the RUN container to start", () -> runningWith(marker) ? true : null);

        var cancel = builds.json("DELETE", "/api/v1/repository/alice/app/build/" + uuid, alice, null);
        assertEquals(201, cancel.statusCode(), cancel.body());
        var status = builds.awaitFinished(alice, "alice/app", uuid, Duration.ofMinutes(1));
        assertEquals("cancelled", status.getString("phase"), () -> log(builds, uuid));
        builds.awaitEvent(uuid, BuildEvent.CANCELLED, Duration.ofSeconds(10));
        Builds.until(Duration.ofMinutes(1), "the RUN container to go", () -> runningWith(marker) ? null : true);
    }

    static boolean runningWith(String marker) {
        return docker.run("docker", "ps", "--no-trunc", "--format", "{{.Command}}").ok().out().contains(marker);
    }

    @Test
    @Order(4)
    void whenTheActiveManagersNodeStopsAnotherTakesOver() {
        standby = TestServer.startSharing(registry, node(1));
        var standbyBuilds = new Builds(standby);
        assertTrue(registry.services().buildManager().active());
        assertTrue(!standby.services().buildManager().active());
        registry.close();
        registry = null;
        Builds.until(Duration.ofSeconds(30), "the standby to take over",
                () -> standby.services().buildManager().active() ? true : null);
        String uuid = queue(standbyBuilds, standby.hostPort(), "RUN echo after-failover > /f\n");
        assertComplete(standbyBuilds, uuid);
    }
}
