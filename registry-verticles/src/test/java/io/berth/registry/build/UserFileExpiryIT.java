package io.berth.registry.build;

import io.berth.registry.auth.Identity;
import io.berth.registry.gc.GarbageCollector;
import io.berth.registry.iam.Account;
import io.berth.registry.testing.Builds;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files dropped for builds that no build uses are deleted, row and bytes, by garbage collection once their upload URL
 * expired {@code USERFILES_EXPIRATION} ago (default 1h, so 2h after the drop); files builds use stay. Files are aged by
 * moving {@code created_at} back rather than by waiting. Background passes are off; each test runs its own. No worker
 * runs, so queued builds stay queued.
 */
class UserFileExpiryIT {
    static final Duration EXPIRED = Duration.ofHours(3);
    static TestServer server;
    static Builds builds;
    static Fixtures db;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FEATURE_GARBAGE_COLLECTION", false, "BUILD_LOCAL_WORKER", false,
                "DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT", 1));
        builds = new Builds(server);
        db = new Fixtures(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user with a private repository {@code <name>/app} and an API token. */
    record User(Account account, String token, long repositoryId) {
        String repo() { return account.username() + "/app"; }
        Identity identity() { return new Identity(account.id(), account.username(), Identity.Kind.USER, null); }
    }

    static User user(String name) {
        Account account = server.createUser(name, name + "-password");
        return new User(account, builds.token(name), db.repository(name, "app", "private"));
    }

    static String drop(User user, String dockerfile) {
        return builds.drop(user.token(), dockerfile.getBytes(StandardCharsets.UTF_8));
    }

    static void age(String fileId, Duration by) {
        db.query("UPDATE userfile SET created_at = now() - $2::bigint * interval '1 second' WHERE id = $1::uuid",
                Tuple.of(fileId, by.toSeconds()));
    }

    static boolean exists(String fileId) {
        return db.query("SELECT 1 FROM userfile WHERE id = $1::uuid", Tuple.of(fileId)).size() == 1;
    }

    static String digest(String fileId) {
        return db.query("SELECT digest FROM userfile WHERE id = $1::uuid", Tuple.of(fileId)).get(0).getString(0);
    }

    static boolean stored(String digest) {
        return Files.exists(server.storedBlob(digest));
    }

    static JsonObject startBuild(User user, String fileId) {
        return builds.start(user.token(), user.repo(), new JsonObject().put("file_id", fileId));
    }

    /** What a worker does with a build's file: GET it through the signed URL minted for the job. */
    static String fetched(String fileId) {
        var r = builds.http().send(HttpRequest.newBuilder(URI.create(
                server.services().userFiles().downloadUrl(UUID.fromString(fileId)))).GET().build());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static GarbageCollector.Report gc() {
        return Builds.await(server.services().garbageCollector().run());
    }

    @Test
    void unusedExpiredFilesLeaveTheDatabaseAndStorageAndUsedOnesStay() {
        User alice = user("alice");
        String finished = drop(alice, "FROM scratch\nLABEL build=finished\n");
        String finishedBuild = startBuild(alice, finished).getString("id");
        // a worker ran it to the end
        db.query("UPDATE build SET phase = 'complete', completed_at = now() WHERE uuid = $1::uuid", Tuple.of(finishedBuild));
        String queued = drop(alice, "FROM scratch\nLABEL build=queued\n");
        startBuild(alice, queued);
        // the namespace may have one build queued, so this one is refused, and its file is left unused
        String refused = drop(alice, "FROM scratch\nLABEL build=refused\n");
        var refusal = builds.json("POST", "/api/v1/repository/alice/app/build/", alice.token(),
                new JsonObject().put("file_id", refused));
        assertEquals(429, refusal.statusCode(), refusal.body());
        String neverUsed = drop(alice, "FROM scratch\nLABEL build=none\n");
        // same bytes as the queued build's file: this row goes, the blob they share stays
        String sameBytes = drop(alice, "FROM scratch\nLABEL build=queued\n");
        String withinExpiration = drop(alice, "FROM scratch\nLABEL build=later\n");
        String fresh = drop(alice, "FROM scratch\nLABEL build=fresh\n");
        for (String file : List.of(finished, queued, refused, neverUsed, sameBytes)) age(file, EXPIRED);
        // its upload URL expired half an hour ago, but USERFILES_EXPIRATION has not passed since
        age(withinExpiration, Duration.ofMinutes(90));
        String refusedDigest = digest(refused);
        String neverUsedDigest = digest(neverUsed);
        assertTrue(stored(refusedDigest) && stored(neverUsedDigest));

        var report = gc();

        assertEquals(3, report.userFilesDeleted(), report.toJson().encode());
        for (String gone : List.of(refused, neverUsed, sameBytes)) assertFalse(exists(gone), gone);
        assertFalse(stored(refusedDigest), "the refused build's file left storage");
        assertFalse(stored(neverUsedDigest), "the unused file left storage");
        for (String kept : List.of(finished, queued, withinExpiration, fresh)) {
            assertTrue(exists(kept), kept);
            assertTrue(stored(digest(kept)), kept);
        }
        assertEquals("FROM scratch\nLABEL build=queued\n", fetched(queued));
        assertEquals("FROM scratch\nLABEL build=finished\n", fetched(finished));
        var finishedView = builds.get("/api/v1/repository/alice/app/build/" + finishedBuild, alice.token());
        assertEquals(200, finishedView.statusCode(), finishedView.body());
        assertEquals("FROM scratch\nLABEL build=finished\n", builds.http().send(HttpRequest.newBuilder(URI.create(
                new JsonObject(finishedView.body()).getString("archive_url"))).GET().build()).body());
        // a deleted file cannot start a build any more
        var late = builds.json("POST", "/api/v1/repository/alice/app/build/", alice.token(),
                new JsonObject().put("file_id", neverUsed));
        assertEquals(400, late.statusCode(), late.body());
        assertEquals("File " + neverUsed + " could not be found or is invalid", new JsonObject(late.body()).getString("message"));
        assertEquals(0, gc().userFilesDeleted());
    }

    /** A build being started holds its file: a sweep meanwhile skips it, and once committed the build keeps it. */
    @Test
    void aSweepSkipsTheFileOfABuildBeingStarted() throws Exception {
        User bob = user("bob");
        String file = drop(bob, "FROM scratch\nLABEL race=build-first\n");
        age(file, EXPIRED);
        SqlConnection conn = server.services().database().pool().getConnection().await(10, TimeUnit.SECONDS);
        try {
            var tx = conn.begin().await(10, TimeUnit.SECONDS);
            var held = server.services().userFiles().ownUploaded(conn, bob.identity(), file).await(10, TimeUnit.SECONDS);
            assertEquals(UUID.fromString(file), held.id());

            Builds.await(server.services().userFiles().deleteUnused(100));
            assertTrue(exists(file));

            new BuildRepository().insert(conn, UUID.randomUUID(), bob.repositoryId(), bob.account().id(), "race",
                    new JsonObject().put("file_id", file).put("context", "").put("dockerfile_path", "Dockerfile")
                            .put("docker_tags", new JsonArray().add("latest")),
                    bob.account().id(), null).await(10, TimeUnit.SECONDS);
            tx.commit().await(10, TimeUnit.SECONDS);
        } finally {
            conn.close();
        }
        Builds.await(server.services().userFiles().deleteUnused(100));
        assertTrue(exists(file));
        assertEquals("FROM scratch\nLABEL race=build-first\n", fetched(file));
    }

    /** A sweep that locked a file first deletes it; the build started meanwhile waits for it, then is refused. */
    @Test
    void aBuildStartedWhileASweepDeletesItsFileIsRefused() throws Exception {
        User carol = user("carol");
        String file = drop(carol, "FROM scratch\nLABEL race=sweep-first\n");
        age(file, EXPIRED);
        var files = new UserFileRepository();
        SqlConnection conn = server.services().database().pool().getConnection().await(10, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> start;
        try {
            var tx = conn.begin().await(10, TimeUnit.SECONDS);
            var locked = files.lockUnused(conn, Duration.ofHours(2), 100).await(10, TimeUnit.SECONDS);
            assertEquals(List.of(UUID.fromString(file)), locked);
            start = CompletableFuture.supplyAsync(() -> builds.json("POST", "/api/v1/repository/carol/app/build/",
                    carol.token(), new JsonObject().put("file_id", file)));
            Poll.until(Duration.ofSeconds(30), "the build waiting for the sweep's lock", () -> db.query("""
                    SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'""",
                    Tuple.tuple()).size() > 0);
            assertEquals(1, files.deleteUnused(conn, locked).await(10, TimeUnit.SECONDS));
            tx.commit().await(10, TimeUnit.SECONDS);
        } finally {
            conn.close();
        }
        var refused = start.get(30, TimeUnit.SECONDS);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("File " + file + " could not be found or is invalid", new JsonObject(refused.body()).getString("message"));
        assertEquals(0L, db.query("SELECT count(*) FROM build WHERE namespace_id = $1", Tuple.of(carol.account().id()))
                .get(0).getLong(0));
    }

    /** Two registry nodes collecting at once split the expired files between them, and neither fails. */
    @Test
    void twoNodesSweepingAtOnceDeleteEachFileOnce() {
        User dave = user("dave");
        var files = new ArrayList<String>();
        for (int i = 0; i < 20; i++) files.add(drop(dave, "FROM scratch\nLABEL copy=" + i + "\n"));
        files.forEach(f -> age(f, EXPIRED));
        var digests = files.stream().map(UserFileExpiryIT::digest).toList();
        try (var second = TestServer.startSharing(server, Map.of("FEATURE_GARBAGE_COLLECTION", false,
                "BUILD_LOCAL_WORKER", false))) {
            var reports = Builds.await(Future.all(server.services().garbageCollector().run(),
                    second.services().garbageCollector().run()));
            GarbageCollector.Report one = reports.resultAt(0);
            GarbageCollector.Report other = reports.resultAt(1);
            assertEquals(files.size(), one.userFilesDeleted() + other.userFilesDeleted());
        }
        files.forEach(f -> assertFalse(exists(f), f));
        digests.forEach(d -> assertFalse(stored(d), d));
    }
}
