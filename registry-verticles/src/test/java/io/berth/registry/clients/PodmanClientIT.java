package io.berth.registry.clients;

import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * podman (and skopeo to look at what landed) against a real Berth node: Docker v2s2 and OCI pushes, a two-platform
 * manifest list, anonymous pulls. Containers are not run here: docker and buildah tests already run what they pull,
 * and podman's runc cannot set rlimits in some sandboxes.
 */
class PodmanClientIT {
    static TestServer server;
    static Cli alice;
    static String registry;
    static Path rootfsTar;
    static final List<String> created = new ArrayList<>();
    static final List<String> lists = new ArrayList<>();

    @BeforeAll
    static void start() {
        Clients.requireTool("podman");
        Clients.requireTool("skopeo");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        registry = server.hostPort();
        rootfsTar = Clients.busyboxRootfsTar(Clients.tempDir("podman-rootfs"));
        alice = Cli.withFreshHome("podman-alice");
        alice.runWithInput("alice-password", "podman", "login", "--tls-verify=false", "-u", "alice", "--password-stdin",
                registry).ok();
    }

    @AfterAll
    static void stop() {
        // lists first, then the images they name; best effort, the shared image store is not ours
        for (String list : lists) alice.run("podman", "manifest", "rm", list);
        for (String ref : created) alice.run("podman", "rmi", "-f", ref);
        if (server != null) server.close();
    }

    @Test
    void pushInDockerV2s2AndOciFormatsAndPullBack() {
        String local = importBase("pbase:1", "amd64");
        String imageId = imageId(local);
        String v2s2 = registry + "/alice/podman-v2s2:1";
        String oci = registry + "/alice/podman-oci:1";
        push(local, v2s2, "v2s2", "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.docker.container.image.v1+json");
        push(local, oci, "oci", "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json");

        // drop the local image so every layer has to come from Berth
        alice.run("podman", "rmi", "-f", local).ok();
        for (String remote : List.of(v2s2, oci)) {
            created.add(remote);
            alice.run("podman", "pull", "--tls-verify=false", remote).ok();
            // the same config comes back, so the same image id
            assertEquals(imageId, imageId(remote), remote);
        }
    }

    private void push(String local, String remote, String format, String manifestType, String configType) {
        alice.run("podman", "push", "--tls-verify=false", "--format", format, local, "docker://" + remote).ok();
        var manifest = new JsonObject(skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + remote).out());
        // mediaType is optional in an OCI manifest, so the config type tells the formats apart
        assertEquals(configType, manifest.getJsonObject("config").getString("mediaType"), manifest.encodePrettily());
        // and Berth serves the manifest under the type it was pushed with
        String tag = remote.substring(remote.lastIndexOf(':') + 1);
        String repo = remote.substring(registry.length() + 1, remote.lastIndexOf(':'));
        var http = new RegistryHttp(server);
        var response = http.send(http.request("/v2/" + repo + "/manifests/" + tag,
                        http.token("alice", "alice-password", "repository:" + repo + ":pull"))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json").build());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(manifestType, response.headers().firstValue("Content-Type").orElse(null));
    }

    private static String imageId(String ref) {
        return alice.run("podman", "image", "inspect", "--format", "{{.Id}}", ref).ok().out().trim();
    }

    @Test
    void manifestListWithTwoPlatforms() {
        String amd64 = importBase("multi-amd64:1", "amd64");
        String arm64 = importBase("multi-arm64:1", "arm64");
        String list = "localhost/berth-list-" + server.port() + ":1";
        lists.add(list);
        alice.run("podman", "manifest", "create", list).ok();
        alice.run("podman", "manifest", "add", list, "containers-storage:" + amd64).ok();
        alice.run("podman", "manifest", "add", list, "containers-storage:" + arm64).ok();
        String remote = registry + "/alice/multi:1";
        alice.run("podman", "manifest", "push", "--all", "--tls-verify=false", list, "docker://" + remote).ok();

        var index = new JsonObject(skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + remote).out());
        JsonArray entries = index.getJsonArray("manifests");
        assertEquals(2, entries.size(), index.encodePrettily());
        Set<String> arches = entries.stream().map(e -> ((JsonObject) e).getJsonObject("platform").getString("architecture"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("amd64", "arm64"), arches);
        // each child is served too: skopeo resolves the list to the arm64 image and reads its config
        var arm = new JsonObject(skopeo("--override-arch", "arm64", "inspect", "--tls-verify=false", "docker://" + remote).out());
        assertEquals("arm64", arm.getString("Architecture"));
    }

    @Test
    void anonymousPullOfPrivateRepositoryFailsUntilItIsPublic() {
        String local = importBase("psecret:1", "amd64");
        String remote = registry + "/alice/podman-secret:1";
        alice.run("podman", "push", "--tls-verify=false", local, "docker://" + remote).ok();

        Cli anonymous = Cli.withFreshHome("podman-anonymous");
        created.add(remote);
        var denied = anonymous.run("podman", "pull", "--tls-verify=false", remote);
        Clients.assertDenied(denied);

        Clients.makePublic(server, "alice", "podman-secret");
        anonymous.run("podman", "pull", "--tls-verify=false", remote).ok();
    }

    /** Imports the busybox rootfs into podman's local storage as {@code <registry>/alice/<name>} for one arch. */
    private static String importBase(String name, String arch) {
        String ref = registry + "/alice/" + name;
        created.add(ref);
        alice.run("podman", "import", "--arch", arch, "--change", "CMD [\"/bin/sh\"]", rootfsTar.toString(), ref).ok();
        return ref;
    }

    private static Cli.Result skopeo(String... args) {
        var full = new ArrayList<>(List.of("skopeo"));
        full.addAll(List.of(args));
        return alice.run(full.toArray(String[]::new)).ok();
    }
}
