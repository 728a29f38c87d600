package io.berth.registry.build;

import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildPhase;
import io.berth.model.build.BuildProtocol;
import io.berth.model.build.ProtocolCodec;
import io.berth.model.event.BuildEvent;
import io.berth.model.iam.RegistryAction;
import io.berth.registry.testing.Builds;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.TestServer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build queue and its protocol, without Docker: the test speaks the worker's side of the protocol over the
 * node's real event bus, signed with the node's cluster secret, and drives the REST API as users do.
 */
class BuildQueueIT {
    static final byte[] DOCKERFILE = "FROM scratch\nCOPY a /a\n".getBytes(StandardCharsets.UTF_8);
    static TestServer server;
    static Builds builds;
    static Fixtures db;
    static ProtocolCodec codec;
    static String alice;
    static String bob;
    static final List<BuildMessage> broadcasts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("BUILD_LOCAL_WORKER", false, "BUILD_LEASE", "3s",
                "DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT", 4));
        builds = new Builds(server);
        db = new Fixtures(server);
        codec = new ProtocolCodec(server.services().clusterSecret());
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        alice = builds.token("alice");
        bob = builds.token("bob");
        db.repository("alice", "app", "private");
        db.repository("alice", "pub", "public");
        db.repository("bob", "app", "private");
        server.vertx().eventBus().<byte[]>consumer(BuildProtocol.WORKERS, m -> {
            try {
                broadcasts.add(codec.decode(m.body()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Builds.until(Duration.ofSeconds(30), "the build manager", () -> server.services().buildManager().active() ? true : null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Every test starts with an empty queue. */
    @BeforeEach
    void emptyQueue() {
        db.query("UPDATE build SET phase = 'cancelled', lease_token = NULL WHERE phase NOT IN ('complete', 'error', 'cancelled')",
                Tuple.tuple());
    }

    static BuildMessage send(String address, BuildMessage message) {
        byte[] reply = Builds.await(server.vertx().eventBus().<byte[]>request(address, codec.encode(message)))
                .body();
        try {
            return codec.decode(reply);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BuildMessage.Offer claim() {
        return assertInstanceOf(BuildMessage.Offer.class, send(BuildProtocol.CLAIM, new BuildMessage.Claim("test-worker")));
    }

    static BuildMessage.Ack update(BuildMessage message) {
        return (BuildMessage.Ack) send(BuildProtocol.UPDATES, message);
    }

    static String queue(String token, String repository) {
        String file = builds.drop(token, DOCKERFILE);
        return builds.start(token, repository, new JsonObject().put("file_id", file)).getString("id");
    }

    @Test
    void aWorkerClaimsRunsAndReportsABuild() throws Exception {
        String file = builds.drop(alice, "FROM scratch\nCOPY a /a\n".getBytes(StandardCharsets.UTF_8));
        var view = builds.start(alice, "alice/app", new JsonObject().put("file_id", file)
                .put("subdirectory", "/web/").put("docker_tags", new JsonArray().add("1.0").add("stable")));
        String uuid = view.getString("id");
        assertEquals("waiting", view.getString("phase"));
        assertEquals("/web", view.getString("context"));
        assertEquals("/web/Dockerfile", view.getString("dockerfile_path"));
        assertEquals("alice", view.getString("manual_user"));
        assertEquals(new JsonArray().add("1.0").add("stable"), view.getJsonArray("tags"));
        var queued = builds.awaitEvent(uuid, BuildEvent.QUEUED, Duration.ofSeconds(10)).getJsonObject("eventData");
        assertEquals("alice/app", queued.getString("repository"));
        assertEquals(server.hostPort() + "/alice/app", queued.getString("docker_url"));
        assertEquals(true, queued.getBoolean("is_manual"));
        assertTrue(broadcasts.stream().anyMatch(m -> m instanceof BuildMessage.Wake), "workers are woken");

        var offer = claim();
        var job = offer.job();
        assertEquals(uuid, job.buildUuid());
        assertEquals("alice/app", job.repository());
        assertEquals(server.hostPort(), job.registry());
        assertEquals("web", job.context());
        assertEquals("Dockerfile", job.dockerfilePath());
        assertEquals(List.of("1.0", "stable"), job.tags());
        // the source is the dropped file behind a signed URL; the push token may pull and push this repository only
        var source = (io.berth.model.build.BuildSource.Archive) job.source();
        var fetched = builds.http().sendBytes(HttpRequest.newBuilder(URI.create(source.url())).build());
        assertEquals(200, fetched.statusCode());
        assertEquals(new String(DOCKERFILE, StandardCharsets.UTF_8), new String(fetched.body(), StandardCharsets.UTF_8));
        var claims = Builds.await(server.services().tokens().verify(job.pushToken()));
        assertEquals(Map.of("alice/app", Set.of(RegistryAction.PULL, RegistryAction.PUSH)), claims.access());
        assertEquals("build", claims.identity().performerKind());
        assertInstanceOf(BuildMessage.NoWork.class, send(BuildProtocol.CLAIM, new BuildMessage.Claim("other-worker")));

        assertEquals(BuildMessage.Ack.OK, update(new BuildMessage.Heartbeat("test-worker", uuid, offer.leaseToken())));
        assertTrue(update(new BuildMessage.PhaseChange(uuid, offer.leaseToken(), BuildPhase.UNPACKING, Map.of())).accepted());
        assertTrue(update(new BuildMessage.LogLines(uuid, offer.leaseToken(), List.of(
                new BuildMessage.LogLine(1, "Step 1/2 : FROM scratch", null),
                new BuildMessage.LogLine(2, " ---> done", null)))).accepted());
        // a batch sent again after a lost answer adds only what is new
        assertTrue(update(new BuildMessage.LogLines(uuid, offer.leaseToken(), List.of(
                new BuildMessage.LogLine(2, " ---> done", null),
                new BuildMessage.LogLine(3, "Step 2/2 : COPY a /a", null)))).accepted());
        assertEquals("unpacking", builds.status(alice, "alice/app", uuid).getString("phase"));
        assertTrue(update(new BuildMessage.PhaseChange(uuid, offer.leaseToken(), BuildPhase.BUILDING, Map.of())).accepted());
        builds.awaitEvent(uuid, BuildEvent.START, Duration.ofSeconds(10));
        // another lease cannot touch the build
        assertFalse(update(new BuildMessage.PhaseChange(uuid, java.util.UUID.randomUUID().toString(),
                BuildPhase.PUSHING, Map.of())).accepted());
        assertFalse(update(new BuildMessage.PhaseChange(uuid, offer.leaseToken(), BuildPhase.COMPLETE, Map.of())).accepted());

        assertEquals(200, tagsWith(job.pushToken(), "alice/app"), "the push token works while the build runs");
        assertEquals(401, tagsWith(job.pushToken(), "bob/app"), "and for its repository only");

        String digest = "sha256:" + "a".repeat(64);
        assertTrue(update(new BuildMessage.Result(uuid, offer.leaseToken(), BuildMessage.Outcome.COMPLETE, null,
                "sha256:" + "b".repeat(64), Map.of("1.0", digest, "stable", digest))).accepted());
        assertFalse(update(new BuildMessage.Heartbeat("test-worker", uuid, offer.leaseToken())).accepted(),
                "a finished build has no lease");

        var status = builds.status(alice, "alice/app", uuid);
        assertEquals("complete", status.getString("phase"));
        assertEquals(401, tagsWith(job.pushToken(), "alice/app"), "the push token ends with the build");
        var success = builds.awaitEvent(uuid, BuildEvent.SUCCESS, Duration.ofSeconds(10)).getJsonObject("eventData");
        assertEquals(List.of(digest), success.getJsonArray("manifest_digests").getList());
        assertEquals(uuid, success.getString("build_id"));

        var logs = builds.logs(alice, "alice/app", uuid);
        assertEquals(0, logs.getInteger("start"));
        var messages = logs.getJsonArray("logs").stream().map(e -> ((JsonObject) e).getString("message")).toList();
        assertEquals(List.of("build-scheduled", "unpacking", "Step 1/2 : FROM scratch", " ---> done",
                "Step 2/2 : COPY a /a", "building", "complete"), messages);
        var first = logs.getJsonArray("logs").getJsonObject(0);
        assertEquals("phase", first.getString("type"));
        assertNotNull(first.getJsonObject("data").getString("datetime"));
        assertEquals("command", logs.getJsonArray("logs").getJsonObject(2).getString("type"));
        assertFalse(logs.getJsonArray("logs").getJsonObject(3).containsKey("type"));
        var page = builds.get("/api/v1/repository/alice/app/build/" + uuid + "/logs?start=5", alice);
        assertEquals(new JsonObject().put("start", 5).put("total", 7).put("logs", new JsonArray()
                .add(logs.getJsonArray("logs").getJsonObject(5)).add(logs.getJsonArray("logs").getJsonObject(6))),
                new JsonObject(page.body()));

        db.flushUsageLog();
        var logged = db.query("SELECT metadata FROM usage_log WHERE kind = 'build_dockerfile'", Tuple.tuple());
        assertTrue(logged.stream().anyMatch(r -> uuid.equals(((JsonObject) r.getValue(0)).getString("build_uuid"))));
    }

    static int tagsWith(String token, String repository) {
        var http = builds.http();
        return http.send(http.request("/v2/" + repository + "/tags/list", token).build()).statusCode();
    }

    @Test
    void aManagerThatLosesItsLockConnectionCompetesForTheLockAgain() {
        var holders = db.query("""
                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database =
                    (SELECT oid FROM pg_database WHERE datname = current_database())""", Tuple.tuple());
        assertEquals(1, holders.size(), "one connection holds the build manager's lock");
        db.query("SELECT pg_terminate_backend($1)", Tuple.of(holders.get(0).getInteger(0)));
        Builds.until(Duration.ofSeconds(10), "the manager to notice", () -> server.services().buildManager().active() ? null : true);
        Builds.until(Duration.ofSeconds(30), "the manager to hold the lock again",
                () -> server.services().buildManager().active() ? true : null);
        String uuid = queue(alice, "alice/app");
        assertEquals(uuid, claim().job().buildUuid());
    }

    @Test
    void readersSeeLogsWhenTheFeatureSaysSo() {
        try (var other = TestServer.start(Map.of("BUILD_LOCAL_WORKER", false, "FEATURE_READER_BUILD_LOGS", true))) {
            var on = new Builds(other);
            other.createUser("carol", "carol-password");
            other.createUser("dave", "dave-password");
            new Fixtures(other).repository("carol", "pub", "public");
            String carol = on.token("carol");
            String file = on.drop(carol, DOCKERFILE);
            String uuid = on.start(carol, "carol/pub", new JsonObject().put("file_id", file)).getString("id");
            var logs = on.get("/api/v1/repository/carol/pub/build/" + uuid + "/logs", on.token("dave"));
            assertEquals(200, logs.statusCode(), logs.body());
            assertEquals(0, new JsonObject(logs.body()).getInteger("total"));
        }
    }

    @Test
    void garbageCollectionKeepsDroppedFiles() {
        String uuid = queue(alice, "alice/app");
        Builds.await(server.services().garbageCollector().run());
        var source = (io.berth.model.build.BuildSource.Archive) claim().job().source();
        var fetched = builds.http().sendBytes(HttpRequest.newBuilder(URI.create(source.url())).build());
        assertEquals(200, fetched.statusCode());
        assertEquals(new String(DOCKERFILE, StandardCharsets.UTF_8), new String(fetched.body(), StandardCharsets.UTF_8));
        assertEquals(1, db.query("SELECT count(*) FROM build WHERE uuid = $1::uuid", Tuple.of(uuid)).get(0).getLong(0));
    }

    @Test
    void messagesSignedWithAnotherSecretAreRefused() {
        var stranger = new ProtocolCodec("not-this-cluster's-secret");
        var e = assertThrows(Exception.class, () -> server.vertx().eventBus()
                .request(BuildProtocol.CLAIM, stranger.encode(new BuildMessage.Claim("intruder"))).await(10, TimeUnit.SECONDS));
        assertEquals(403, assertInstanceOf(ReplyException.class, e).failureCode());
        var update = assertThrows(Exception.class, () -> server.vertx().eventBus()
                .request(BuildProtocol.UPDATES, stranger.encode(new BuildMessage.Heartbeat("w", "b", "l")))
                .await(10, TimeUnit.SECONDS));
        assertEquals(403, assertInstanceOf(ReplyException.class, update).failureCode());
    }

    @Test
    void aLapsedLeaseIsRetriedTwiceThenTheBuildExpires() {
        String uuid = queue(alice, "alice/app");
        for (int attempt = 1; attempt <= 3; attempt++) {
            var offer = claim();
            assertEquals(uuid, offer.job().buildUuid());
            // the worker goes silent: no heartbeat, no result
            int remaining = 3 - attempt;
            var status = Builds.until(Duration.ofSeconds(20), "the lease to lapse", () -> {
                var s = builds.status(alice, "alice/app", uuid);
                return s.getString("phase").equals(remaining > 0 ? "internalerror" : "expired") ? s : null;
            });
            assertTrue(status.getString("error").contains(BuildQueue.WORKER_LOST), status.encode());
            assertFalse(update(new BuildMessage.Heartbeat("test-worker", uuid, offer.leaseToken())).accepted());
        }
        var status = builds.status(alice, "alice/app", uuid);
        assertEquals("Build did not complete after 3 attempts: " + BuildQueue.WORKER_LOST, status.getString("error"));
        assertInstanceOf(BuildMessage.NoWork.class, send(BuildProtocol.CLAIM, new BuildMessage.Claim("test-worker")));
        var failure = builds.awaitEvent(uuid, BuildEvent.FAILURE, Duration.ofSeconds(10)).getJsonObject("eventData");
        assertEquals(status.getString("error"), failure.getString("error_message"));
        assertEquals(1, builds.events(uuid).stream().filter(e -> e.getString("event").equals(BuildEvent.FAILURE)).count(),
                "retries are no failures");
    }

    @Test
    void aUserErrorEndsTheBuildAtOnce() {
        String uuid = queue(alice, "alice/app");
        var offer = claim();
        assertTrue(update(new BuildMessage.Result(uuid, offer.leaseToken(), BuildMessage.Outcome.ERROR,
                "The command '/bin/sh -c false' returned a non-zero code: 1", null, Map.of())).accepted());
        var status = builds.status(alice, "alice/app", uuid);
        assertEquals("error", status.getString("phase"));
        assertEquals("The command '/bin/sh -c false' returned a non-zero code: 1", status.getString("error"));
        assertInstanceOf(BuildMessage.NoWork.class, send(BuildProtocol.CLAIM, new BuildMessage.Claim("test-worker")));
        var entries = builds.logs(alice, "alice/app", uuid).getJsonArray("logs");
        assertEquals("error", entries.getJsonObject(entries.size() - 2).getString("type"));
        builds.awaitEvent(uuid, BuildEvent.FAILURE, Duration.ofSeconds(10));
    }

    @Test
    void anInternalErrorIsRetriedOnAnotherClaim() {
        String uuid = queue(alice, "alice/app");
        var offer = claim();
        assertTrue(update(new BuildMessage.Result(uuid, offer.leaseToken(), BuildMessage.Outcome.INTERNAL_ERROR,
                "The build worker failed: engine gone", null, Map.of())).accepted());
        assertEquals("internalerror", builds.status(alice, "alice/app", uuid).getString("phase"));
        assertEquals(uuid, claim().job().buildUuid());
    }

    @Test
    void claimsAreFairAcrossNamespaces() {
        String a1 = queue(alice, "alice/app");
        String a2 = queue(alice, "alice/app");
        String b1 = queue(bob, "bob/app");
        assertEquals(a1, claim().job().buildUuid());
        // alice has a build running, bob none: bob's goes next although alice's second is older
        assertEquals(b1, claim().job().buildUuid());
        assertEquals(a2, claim().job().buildUuid());
    }

    @Test
    void cancellingQueuedAndRunningBuilds() {
        String queued = queue(alice, "alice/app");
        var cancelled = builds.json("DELETE", "/api/v1/repository/alice/app/build/" + queued, alice, null);
        assertEquals(201, cancelled.statusCode(), cancelled.body());
        assertEquals("cancelled", builds.status(alice, "alice/app", queued).getString("phase"));
        builds.awaitEvent(queued, BuildEvent.CANCELLED, Duration.ofSeconds(10));

        String running = queue(alice, "alice/app");
        var offer = claim();
        assertEquals(201, builds.json("DELETE", "/api/v1/repository/alice/app/build/" + running, alice, null).statusCode());
        Builds.until(Duration.ofSeconds(10), "the cancel broadcast", () -> broadcasts.stream()
                .anyMatch(m -> m instanceof BuildMessage.Cancel c && c.buildUuid().equals(running)) ? true : null);
        var ack = update(new BuildMessage.Heartbeat("test-worker", running, offer.leaseToken()));
        assertTrue(ack.accepted() && ack.cancel(), ack.toString());
        assertTrue(update(new BuildMessage.Result(running, offer.leaseToken(), BuildMessage.Outcome.CANCELLED, null,
                null, Map.of())).accepted());
        assertEquals("cancelled", builds.status(alice, "alice/app", running).getString("phase"));
        builds.awaitEvent(running, BuildEvent.CANCELLED, Duration.ofSeconds(10));

        var again = builds.json("DELETE", "/api/v1/repository/alice/app/build/" + running, alice, null);
        assertEquals(400, again.statusCode());
        assertEquals("Build is currently running or has finished", new JsonObject(again.body()).getString("message"));
        db.flushUsageLog();
        assertEquals(2, db.query("SELECT count(*) FROM usage_log WHERE kind = 'cancel_build'", Tuple.tuple())
                .get(0).getLong(0));
    }

    @Test
    void theNamespaceQueueLimitAnswers429() {
        for (int i = 0; i < 4; i++) queue(alice, "alice/app");
        String file = builds.drop(alice, DOCKERFILE);
        var refused = builds.json("POST", "/api/v1/repository/alice/app/build/", alice, new JsonObject().put("file_id", file));
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("Maximum queued build rate exceeded.", new JsonObject(refused.body()).getString("message"));
        // other namespaces are not affected
        queue(bob, "bob/app");
    }

    @Test
    void permissionsAndBadRequests() {
        String file = builds.drop(alice, DOCKERFILE);
        var body = new JsonObject().put("file_id", file);
        assertEquals(401, builds.get("/api/v1/repository/alice/app/build/", null).statusCode());
        assertEquals(403, builds.json("POST", "/api/v1/repository/alice/app/build/", bob, body).statusCode());
        assertEquals(403, builds.get("/api/v1/repository/alice/app/build/", bob).statusCode());
        // a reader of a public repository sees builds, not their logs (FEATURE_READER_BUILD_LOGS is off)
        String uuid = builds.start(alice, "alice/pub", body).getString("id");
        var list = builds.get("/api/v1/repository/alice/pub/build/?limit=1", bob);
        assertEquals(200, list.statusCode(), list.body());
        var listed = new JsonObject(list.body()).getJsonArray("builds");
        assertEquals(1, listed.size());
        assertEquals(uuid, listed.getJsonObject(0).getString("id"));
        assertFalse(listed.getJsonObject(0).getBoolean("is_writer"));
        assertFalse(listed.getJsonObject(0).containsKey("archive_url"));
        assertEquals(403, builds.get("/api/v1/repository/alice/pub/build/" + uuid + "/logs", bob).statusCode());
        assertEquals(403, builds.json("DELETE", "/api/v1/repository/alice/pub/build/" + uuid, bob, null).statusCode());
        assertEquals(404, builds.get("/api/v1/repository/alice/app/build/" + java.util.UUID.randomUUID(), alice).statusCode());
        assertEquals(404, builds.get("/api/v1/repository/bob/app/build/" + uuid, bob).statusCode(),
                "a build is found only under its own repository");

        assertBad(alice, new JsonObject(), "file_id or archive_url required");
        assertBad(alice, new JsonObject().put("archive_url", "ftp://example.com/x.tar"), "Invalid Archive URL: ftp://example.com/x.tar");
        assertBad(alice, new JsonObject().put("file_id", "nope"), "File nope could not be found or is invalid");
        assertBad(bob, new JsonObject().put("file_id", file), "File " + file + " could not be found or is invalid");
        assertBad(alice, body.copy().put("dockerfile_path", "/Dockerfile").put("context", "/sub"),
                "The Dockerfile must be inside the build context");
        assertBad(alice, body.copy().put("subdirectory", "../up"), "subdirectory must stay inside the build context: ../up");
        assertBad(alice, body.copy().put("docker_tags", new JsonArray().add("ok").add("not ok")), "Invalid tag not ok");
        var unknown = builds.json("POST", "/api/v1/repository/alice/app/build/", alice, body.copy().put("pull_robot", "alice+builder"));
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(403, builds.json("POST", "/api/v1/repository/alice/app/build/", alice,
                body.copy().put("pull_robot", "not-a-robot")).statusCode());
        assertEquals(201, builds.json("PUT", "/api/v1/user/robots/puller", bob, new JsonObject()).statusCode());
        var foreign = builds.json("POST", "/api/v1/repository/alice/app/build/", alice, body.copy().put("pull_robot", "bob+puller"));
        assertEquals(403, foreign.statusCode(), foreign.body());
    }

    private static void assertBad(String token, JsonObject body, String message) {
        String repository = token.equals(bob) ? "bob/app" : "alice/app";
        var r = builds.json("POST", "/api/v1/repository/" + repository + "/build/", token, body);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(message, new JsonObject(r.body()).getString("message"));
    }

    @Test
    void fileUrlsNeedTheirSignatureAndTakeBytesOnce() {
        var drop = new JsonObject(builds.json("POST", "/api/v1/filedrop/", alice,
                new JsonObject().put("mimeType", "text/plain")).body());
        String url = drop.getString("url");
        var http = builds.http();
        var forged = http.send(HttpRequest.newBuilder(URI.create(url.replaceAll("signature=[0-9a-f]{4}", "signature=0000")))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build());
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(url)).GET().build()).statusCode(),
                "an upload URL does not download");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("FROM scratch\n")).build()).statusCode());
        assertEquals(409, http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("FROM evil\n")).build()).statusCode());
    }
}
