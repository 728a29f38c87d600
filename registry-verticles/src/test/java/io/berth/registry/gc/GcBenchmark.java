package io.berth.registry.gc;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times garbage-collection passes (not a test; {@code scripts/bench-gc} runs it): a registry with {@code --manifests}
 * manifests (10 000) of {@code --blobs-per-manifest} blobs each (5, so 50 000 blobs, 1 KiB each in storage) spread
 * over {@code --repositories} repositories (100), all tagged. One pass that finds nothing to collect, then every tag
 * is deleted with a 0s time machine and one pass collects everything, rows and bytes. Prints manifests/s.
 */
public final class GcBenchmark {
    private GcBenchmark() {}

    public static void main(String[] args) throws Exception {
        int manifests = 10_000;
        int perManifest = 5;
        int repositories = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--manifests" -> manifests = Integer.parseInt(args[i + 1]);
                case "--blobs-per-manifest" -> perManifest = Integer.parseInt(args[i + 1]);
                case "--repositories" -> repositories = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int blobs = manifests * perManifest;
        try (var server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false, "PUSH_TEMP_TAG_EXPIRATION_SEC", 0))) {
            var fixtures = new Fixtures(server);
            long namespace = server.createUser("bench", "bench-password").id();
            System.out.printf("bench-gc: %d manifests, %d blobs in %d repositories%n", manifests, blobs, repositories);
            long start = System.nanoTime();
            populate(fixtures, namespace, manifests, perManifest, repositories);
            Path root = server.services().config().storagePath().resolve("blobs/sha256");
            byte[] content = new byte[1024];
            for (var row : fixtures.query("SELECT digest FROM blob", Tuple.tuple())) {
                String hex = row.getString(0).substring("sha256:".length());
                Path file = root.resolve(hex.substring(0, 2)).resolve(hex);
                Files.createDirectories(file.getParent());
                Files.write(file, content);
            }
            System.out.printf("setup: %.1f s%n", seconds(start));

            start = System.nanoTime();
            var idle = pass(server);
            double idleSeconds = seconds(start);
            check(idle.manifestsDeleted() == 0 && idle.blobsDeleted() == 0, "the first pass must find nothing");
            System.out.printf("pass with nothing to collect: %.2f s (%.0f manifests/s, %.0f blobs/s)%n",
                    idleSeconds, manifests / idleSeconds, blobs / idleSeconds);

            fixtures.query("UPDATE account SET removed_tag_expiration_s = 0 WHERE id = $1", Tuple.of(namespace));
            fixtures.query("UPDATE tag SET end_ts = now()", Tuple.tuple());
            start = System.nanoTime();
            var full = pass(server);
            double fullSeconds = seconds(start);
            check(full.manifestsDeleted() == manifests && full.blobsDeleted() == blobs, "the second pass must collect all: " + full);
            try (var left = Files.find(root, 2, (p, a) -> a.isRegularFile())) {
                check(left.findAny().isEmpty(), "storage must be empty");
            }
            System.out.printf("pass collecting everything: %d manifests, %d blobs, %d bytes in %.2f s "
                            + "(%.0f manifests/s, %.0f blobs/s)%n", full.manifestsDeleted(), full.blobsDeleted(),
                    full.bytesFreed(), fullSeconds, manifests / fullSeconds, blobs / fullSeconds);
        }
        System.exit(0);
    }

    /** Repositories, manifests with their blobs (rows, links, references) and a tag each, in set-based SQL. */
    private static void populate(Fixtures fixtures, long namespace, int manifests, int perManifest, int repositories) {
        fixtures.query("""
                INSERT INTO repository (namespace_id, name, visibility)
                SELECT $1, 'r' || r, 'private' FROM generate_series(0, $2 - 1) r""", Tuple.of(namespace, repositories));
        fixtures.query("""
                INSERT INTO manifest (repository_id, digest, media_type, content, layers_size)
                SELECT r.id, 'sha256:' || md5('m' || i) || md5('n' || i), 'application/vnd.oci.image.manifest.v1+json',
                       '\\x7b7d'::bytea, 1024 * $4::int
                FROM generate_series(0, $2 - 1) i JOIN repository r ON r.namespace_id = $1 AND r.name = 'r' || (i % $3)""",
                Tuple.of(namespace, manifests, repositories, perManifest));
        fixtures.query("""
                INSERT INTO blob (digest, size)
                SELECT 'sha256:' || md5('b' || j) || md5('c' || j), 1024 FROM generate_series(0, $1::int * $2::int - 1) j""",
                Tuple.of(manifests, perManifest));
        fixtures.query("""
                WITH owner AS (
                    SELECT i, m.id AS manifest_id, m.repository_id FROM generate_series(0, $1 - 1) i
                    JOIN manifest m ON m.digest = 'sha256:' || md5('m' || i) || md5('n' || i)),
                refs AS (
                    SELECT o.manifest_id, o.repository_id, 'sha256:' || md5('b' || (o.i * $2::int + k)) || md5('c' || (o.i * $2::int + k)) AS digest
                    FROM owner o CROSS JOIN generate_series(0, $2::int - 1) k),
                links AS (INSERT INTO repository_blob (repository_id, digest) SELECT repository_id, digest FROM refs)
                INSERT INTO manifest_blob (manifest_id, digest) SELECT manifest_id, digest FROM refs""",
                Tuple.of(manifests, perManifest));
        fixtures.query("""
                INSERT INTO tag (repository_id, name, manifest_id)
                SELECT m.repository_id, 't' || m.id, m.id FROM manifest m JOIN repository r ON r.id = m.repository_id
                WHERE r.namespace_id = $1""", Tuple.of(namespace));
        fixtures.query("ANALYZE", Tuple.tuple());
    }

    private static GarbageCollector.Report pass(TestServer server) throws Exception {
        return server.services().garbageCollector().run().await(30, TimeUnit.MINUTES);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void check(boolean condition, String message) {
        if (!condition) throw new IllegalStateException(message);
    }
}
