package io.berth.registry.gc;

import io.berth.model.oci.MediaTypes;
import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Images.Image;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Many concurrent pushes that share layers (uploading, mounting from other repositories, reusing what is there),
 * moving and deleting tags, while garbage collection runs pass after pass with a time-machine window of 0s. Afterwards
 * every tag that was pushed and not deleted pulls completely, every digest verifies, and every blob row has its bytes.
 *
 * <p>Repeatable with a seed, longer with a duration: {@code -Dberth.stress.seed=7 -Dberth.stress.seconds=300
 * -Dberth.stress.pushers=8}. The defaults are the small size CI runs.
 */
class GcStressIT {
    private static final long SEED = Long.getLong("berth.stress.seed", 1);
    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("berth.stress.seconds", 3));
    private static final int PUSHERS = Integer.getInteger("berth.stress.pushers", 4);
    private static final int REPOSITORIES = 3;
    private static final int SHARED_LAYERS = 8;
    private static final int ATTEMPTS = 100;

    /**
     * With the default grace period, a blob uploaded or mounted for a push is never collected before the manifest
     * that references it arrives: every push succeeds at the first attempt.
     */
    @Test
    void pushesSharingLayersSucceedWhileTheCollectorRunsInATightLoop() throws Exception {
        try (var server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false))) {
            var outcome = run(server, false);
            assertEquals(0, outcome.refused(), "no push lost a blob it had uploaded or mounted");
        }
    }

    /**
     * Without a grace period, the collector may take a blob between a push's upload and its manifest; the manifest is
     * then refused (and the client pushes again), but a manifest that was accepted is never left without its blobs:
     * the row locks alone keep the race out.
     */
    @Test
    void withoutAGracePeriodTheLocksAloneKeepEveryAcceptedPushWhole() throws Exception {
        try (var server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false, "PUSH_TEMP_TAG_EXPIRATION_SEC", 0))) {
            var outcome = run(server, true);
            assertTrue(outcome.blobsDeleted() > 0, "the collector deleted blobs while pushes went on");
        }
    }

    record Outcome(long passes, long blobsDeleted, long refused) {}

    private Outcome run(TestServer server, boolean retryRefused) throws Exception {
        var http = new RegistryHttp(server);
        var fixtures = new Fixtures(server);
        server.createUser("stress", "stress-password");
        var window = http.api("PUT", "/user/", server.oauthToken("stress", Set.of("user:admin")),
                new JsonObject().put("tag_expiration_s", 0));
        assertEquals(200, window.statusCode(), window.body());
        List<String> repositories = new ArrayList<>();
        for (int r = 0; r < REPOSITORIES; r++) repositories.add("stress/r" + r);
        String token = http.token("stress", "stress-password", repositories.stream()
                .map(r -> "repository:" + r + ":pull,push").toArray(String[]::new));
        var random = new Random(SEED);
        List<byte[]> shared = new ArrayList<>();
        for (int i = 0; i < SHARED_LAYERS; i++) shared.add(Blobs.random(1024 + random.nextInt(64 * 1024), random.nextLong()));
        System.out.printf("GcStressIT: seed %d, %s, %d pushers, grace %s%n", SEED, DURATION, PUSHERS,
                server.services().config().gc().grace());

        Instant deadline = Instant.now().plus(DURATION);
        var expected = new ConcurrentHashMap<String, Image>();
        var refused = new AtomicLong();
        var blobsDeleted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(PUSHERS + 1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int p = 0; p < PUSHERS; p++) {
                var pusher = new Pusher(http, token, repositories, shared, new Random(SEED * 31 + p), "p" + p, expected,
                        refused, retryRefused);
                workers.add(pool.submit(() -> {
                    while (Instant.now().isBefore(deadline)) pusher.step();
                    return null;
                }));
            }
            Future<Long> collector = pool.submit(() -> {
                long passes = 0;
                while (Instant.now().isBefore(deadline)) {
                    blobsDeleted.addAndGet(server.services().garbageCollector().run().await(60, TimeUnit.SECONDS).blobsDeleted());
                    passes++;
                }
                return passes;
            });
            for (var worker : workers) worker.get(DURATION.toSeconds() + 120, TimeUnit.SECONDS);
            long passes = collector.get(120, TimeUnit.SECONDS);
            blobsDeleted.addAndGet(server.services().garbageCollector().run().await(60, TimeUnit.SECONDS).blobsDeleted());
            System.out.printf("GcStressIT: %d tags live, %d collector passes, %d blobs collected, %d pushes refused%n",
                    expected.size(), passes, blobsDeleted.get(), refused.get());

            assertTrue(passes > 0);
            assertFalse(expected.isEmpty());
            expected.forEach((key, image) -> {
                String[] repoAndTag = key.split(":");
                Images.assertPulls(http, repoAndTag[0], token, repoAndTag[1], image);
            });
            for (var row : fixtures.query("SELECT digest FROM blob", Tuple.tuple())) {
                assertTrue(Files.exists(server.storedBlob(row.getString(0))), "bytes of " + row.getString(0));
            }
            return new Outcome(passes, blobsDeleted.get(), refused.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One client pushing images to tags of its own, moving and deleting them; {@code expected} is what stays. */
    private record Pusher(RegistryHttp http, String token, List<String> repositories, List<byte[]> shared,
                          Random random, String name, Map<String, Image> expected, AtomicLong refused,
                          boolean retryRefused) {

        void step() {
            String repo = repositories.get(random.nextInt(repositories.size()));
            String tag = name + "-" + random.nextInt(4);
            if (random.nextInt(10) < 3 && expected.containsKey(repo + ":" + tag)) {
                assertEquals(202, new ManifestClient(http).delete(token, repo, tag).statusCode());
                expected.remove(repo + ":" + tag);
                return;
            }
            var layers = new ArrayList<byte[]>();
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) layers.add(shared.get(random.nextInt(shared.size())));
            if (random.nextBoolean()) layers.add(Blobs.random(512 + random.nextInt(8192), random.nextLong()));
            Image image = Images.image(Map.of(), layers.toArray(byte[][]::new));
            for (int attempt = 1; ; attempt++) {
                var blobs = new ArrayList<>(image.layers());
                blobs.add(image.config());
                for (byte[] blob : blobs) ensure(repo, blob);
                var put = new ManifestClient(http).put(token, repo, tag, MediaTypes.OCI_MANIFEST, image.manifest());
                if (put.statusCode() == 201) break;
                assertEquals(400, put.statusCode(), put.body());
                assertEquals("MANIFEST_BLOB_UNKNOWN", Blobs.errorCode(put), put.body());
                refused.incrementAndGet();
                if (!retryRefused) fail("push of " + repo + ":" + tag + " lost a blob: " + put.body());
                assertTrue(attempt < ATTEMPTS, "a push kept losing its blobs to the collector");
            }
            expected.put(repo + ":" + tag, image);
        }

        /** Makes the blob present in the repository: there already, mounted from another repository, or uploaded. */
        private void ensure(String repo, byte[] blob) {
            String digest = Blobs.sha256(blob);
            var head = http.send(http.request("/v2/" + repo + "/blobs/" + digest, token)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            if (head.statusCode() == 200) return;
            if (random.nextBoolean()) {
                String from = repositories.get(random.nextInt(repositories.size()));
                var mount = http.send(http.request("/v2/" + repo + "/blobs/uploads/?mount=" + Blobs.query(digest)
                        + "&from=" + Blobs.query(from), token).POST(HttpRequest.BodyPublishers.noBody()).build());
                if (mount.statusCode() == 201) return;
                assertEquals(202, mount.statusCode(), mount.body());
                String session = mount.headers().firstValue("Location").orElseThrow();
                var done = http.send(http.request(session + (session.contains("?") ? "&" : "?") + "digest="
                        + Blobs.query(digest), token).PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
                assertEquals(201, done.statusCode(), done.body());
                return;
            }
            Blobs.push(http, repo, token, blob);
        }
    }
}
