package io.berth.registry.logs;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports end to end: the durable queue, the file in storage and its download URL, the callback (with retries) and
 * the e-mail through a real SMTP server, one export per namespace at a time, expiry, and resuming after a restart.
 */
class LogExportIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    static Vertx receiverVertx;
    static HttpServer receiver;
    /** Bodies the callback receiver got, in order; it answers 500 while {@link #failing} is positive. */
    static final List<JsonObject> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger failing = new AtomicInteger();
    static GreenMail mail;
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;

    @BeforeAll
    static void start() throws Exception {
        receiverVertx = Vertx.vertx();
        receiver = receiverVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(body.toJsonObject());
            boolean fail = failing.get() > 0;
            if (fail) failing.decrementAndGet();
            request.response().setStatusCode(fail ? 500 : 200).end();
        })).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        mail = new GreenMail(new ServerSetup(TestServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        server = TestServer.start(config(Map.of()));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        for (String user : List.of("alice", "bob", "carol")) server.createUser(user, user + "-password");
    }

    static Map<String, Object> config(Map<String, Object> extra) {
        var config = new java.util.HashMap<String, Object>(Map.of("CALLBACK_ALLOWED_HOSTS", List.of("127.0.0.1"),
                "MAIL_SERVER", "127.0.0.1", "MAIL_PORT", mail.getSmtp().getPort(), "MAIL_USE_TLS", false,
                "MAIL_DEFAULT_SENDER", "registry@example.com"));
        config.putAll(extra);
        return config;
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.stop();
        receiverVertx.close().await();
    }

    static String callbackUrl() {
        return "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    }

    static HttpResponse<String> export(TestServer on, String token, String path, JsonObject body) {
        return new RegistryHttp(on).send(new RegistryHttp(on).request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    static String exportId(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getString("export_id");
    }

    static void createRepository(String token, String namespace, String name) {
        var response = http.send(http.request("/api/v1/repository", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("namespace", namespace)
                        .put("repository", name).put("visibility", "private").put("description", "").encode())).build());
        assertEquals(201, response.statusCode(), response.body());
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting until " + what);
            try {
                receiverVertx.timer(50).await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static List<JsonObject> callbacksFor(String exportId) {
        return received.stream().filter(b -> exportId.equals(b.getString("export_id"))).toList();
    }

    static String state(String exportId) {
        var rows = fixtures.query("SELECT state FROM log_export WHERE id = $1::uuid", Tuple.of(exportId));
        return rows.isEmpty() ? null : rows.get(0).getString(0);
    }

    static JsonObject download(String url) {
        var response = http.send(HttpRequest.newBuilder(java.net.URI.create(url)).GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    static List<String> kinds(String token, String path) {
        fixtures.flushUsageLog();
        var response = http.send(http.request(path, token).GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("logs").stream()
                .map(o -> ((JsonObject) o).getString("kind")).toList();
    }

    @Test
    void callbackGetsQuaysBodyAndTheFileHoldsTheEntries() {
        String token = fixtures.oauthToken("alice");
        for (int i = 0; i < 3; i++) createRepository(token, "alice", "app-" + i);
        fixtures.flushUsageLog();
        String id = exportId(export(server, token, "/api/v1/repository/alice/app-1/exportlogs",
                new JsonObject().put("callback_url", callbackUrl())));
        await("the callback arrives", () -> !callbacksFor(id).isEmpty());
        JsonObject body = callbacksFor(id).get(0);
        assertEquals("success", body.getString("status"));
        assertEquals("alice", body.getString("namespace"));
        assertEquals("app-1", body.getString("repository"));
        assertTrue(body.containsKey("start_time") && body.containsKey("end_time"), body.encode());
        String url = body.getString("exported_data_url");
        assertTrue(url.startsWith(server.baseUrl() + "/exportedlogs/"), url);

        JsonObject file = download(url);
        assertEquals(id, file.getString("export_id"));
        assertEquals("app-1", file.getJsonObject("details").getString("repository"));
        JsonArray logs = file.getJsonArray("logs");
        assertEquals(1, logs.size(), logs.encode());
        assertEquals("create_repo", logs.getJsonObject(0).getString("kind"));
        assertEquals("app-1", logs.getJsonObject(0).getJsonObject("metadata").getString("repo"));

        await("export_logs_success is logged", () -> kinds(token, "/api/v1/repository/alice/app-1/logs").get(0)
                .equals("export_logs_success"));
        assertEquals("done", state(id));
        // guessing is hopeless: the id is 256 random bits
        assertEquals(404, http.send(http.request("/exportedlogs/" + "0".repeat(64), null).GET().build()).statusCode());
    }

    @Test
    void eMailCarriesTheLink() throws Exception {
        String token = fixtures.oauthToken("bob");
        createRepository(token, "bob", "web");
        fixtures.flushUsageLog();
        String id = exportId(export(server, token, "/api/v1/user/exportlogs",
                new JsonObject().put("callback_email", "bob@example.com")));
        assertTrue(mail.waitForIncomingEmail(DEADLINE.toMillis(), 1), "no e-mail arrived");
        var message = mail.getReceivedMessagesForDomain("example.com")[0];
        assertEquals("registry@example.com", message.getFrom()[0].toString());
        assertTrue(message.getSubject().contains(id), message.getSubject());
        String text = GreenMailUtil.getBody(message);
        var matcher = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(server.baseUrl())
                + "/exportedlogs/[0-9a-f]{64}").matcher(text);
        assertTrue(matcher.find(), text);
        JsonObject file = download(matcher.group());
        assertEquals("bob", file.getJsonObject("details").getString("namespace"));
        assertEquals(List.of("create_repo"), file.getJsonArray("logs").stream()
                .map(o -> ((JsonObject) o).getString("kind")).toList());
        await("export_logs_success is logged", () -> kinds(token, "/api/v1/user/logs").get(0)
                .equals("export_logs_success"));
        assertEquals("done", state(id));
    }

    @Test
    void aSecondExportOfTheNamespaceWaitsForTheFirst() {
        String token = fixtures.oauthToken("carol");
        createRepository(token, "carol", "api");
        fixtures.flushUsageLog();
        failing.set(1_000);
        String first = exportId(export(server, token, "/api/v1/user/exportlogs",
                new JsonObject().put("callback_url", callbackUrl())));
        await("the first delivery attempt", () -> !callbacksFor(first).isEmpty());
        String second = exportId(export(server, token, "/api/v1/repository/carol/api/exportlogs",
                new JsonObject().put("callback_url", callbackUrl())));
        int attempts = callbacksFor(first).size();
        // the first is retried after the second was queued, and the second, due since its request, waits
        await("a retry of the first", () -> callbacksFor(first).size() > attempts);
        assertEquals("queued", state(second));
        assertTrue(callbacksFor(second).isEmpty());
        failing.set(0);
        await("both are delivered", () -> callbacksFor(second).size() == 1);
        List<JsonObject> firsts = callbacksFor(first);
        assertTrue(received.indexOf(firsts.get(firsts.size() - 1)) < received.indexOf(callbacksFor(second).get(0)),
                "the second export is delivered after the first");
        assertEquals("done", state(first));
        assertEquals("success", callbacksFor(second).get(0).getString("status"));
    }

    @Test
    void theDownloadStopsWorkingAfterItsLifetimeAndTheFileIsDeleted() {
        try (TestServer shortLived = TestServer.start(config(Map.of("EXPORT_ACTION_LOGS_SECONDS", 2)))) {
            shortLived.createUser("dave", "dave-password");
            String token = new Fixtures(shortLived).oauthToken("dave");
            String id = exportId(export(shortLived, token, "/api/v1/user/exportlogs",
                    new JsonObject().put("callback_url", callbackUrl())));
            await("the callback arrives", () -> !callbacksFor(id).isEmpty());
            String url = callbacksFor(id).get(0).getString("exported_data_url");
            assertEquals(200, http.send(HttpRequest.newBuilder(java.net.URI.create(url)).GET().build()).statusCode());
            Path file = shortLived.dataDir().resolve("storage/objects/exportedlogs")
                    .resolve(url.substring(url.lastIndexOf('/') + 1) + ".json");
            assertTrue(Files.exists(file));
            await("the URL expires", () -> http.send(HttpRequest.newBuilder(java.net.URI.create(url)).GET().build())
                    .statusCode() == 404);
            await("the file is deleted", () -> !Files.exists(file));
            await("the export is forgotten", () -> new Fixtures(shortLived)
                    .query("SELECT 1 FROM log_export WHERE id = $1::uuid", Tuple.of(id)).isEmpty());
        }
    }

    @Test
    void anExportSurvivesARestartAndAForbiddenCallbackFailsIt() {
        TestServer first = TestServer.start(config(Map.of()));
        first.createUser("erin", "erin-password");
        String token = new Fixtures(first).oauthToken("erin");
        failing.set(1_000);
        String retried = exportId(export(first, token, "/api/v1/user/exportlogs",
                new JsonObject().put("callback_url", callbackUrl())));
        await("a first, failed delivery", () -> !callbacksFor(retried).isEmpty());
        first.close();
        failing.set(0);
        try (TestServer second = TestServer.startSharing(first, config(Map.of()))) {
            await("the delivery after the restart", () -> "done".equals(new Fixtures(second)
                    .query("SELECT state FROM log_export WHERE id = $1::uuid", Tuple.of(retried)).get(0).getString(0)));
            JsonObject body = callbacksFor(retried).get(callbacksFor(retried).size() - 1);
            assertTrue(callbacksFor(retried).size() >= 2);
            assertEquals("success", body.getString("status"));
            assertEquals("erin", download(body.getString("exported_data_url")).getJsonObject("details")
                    .getString("namespace"));
        }

        // a node that no longer allows the callback's host gives the export up and logs the failure
        failing.set(1_000);
        TestServer third = TestServer.startSharing(first, config(Map.of()));
        String refused = exportId(export(third, token, "/api/v1/user/exportlogs",
                new JsonObject().put("callback_url", callbackUrl())));
        await("a first, failed delivery", () -> !callbacksFor(refused).isEmpty());
        third.close();
        failing.set(0);
        var strict = new java.util.HashMap<>(config(Map.of()));
        strict.remove("CALLBACK_ALLOWED_HOSTS");
        try (TestServer fourth = TestServer.startSharing(first, strict)) {
            var fixtures4 = new Fixtures(fourth);
            await("the export fails", () -> "failed".equals(fixtures4
                    .query("SELECT state FROM log_export WHERE id = $1::uuid", Tuple.of(refused)).get(0).getString(0)));
            assertEquals(1, callbacksFor(refused).size(), "no further callback once the host is refused");
            var http4 = new RegistryHttp(fourth);
            java.util.function.Supplier<JsonObject> newest = () -> {
                fixtures4.flushUsageLog();
                var logs = http4.send(http4.request("/api/v1/user/logs", token).GET().build());
                return new JsonObject(logs.body()).getJsonArray("logs").getJsonObject(0);
            };
            await("export_logs_failure is logged", () -> newest.get().getString("kind").equals("export_logs_failure"));
            JsonObject entry = newest.get();
            assertEquals(refused, entry.getJsonObject("metadata").getString("export_id"));
        }
    }

    @Test
    void requestsAreCheckedBeforeTheyAreQueued() {
        try (TestServer strict = TestServer.start(Map.of())) {
            strict.createUser("frank", "frank-password");
            String token = new Fixtures(strict).oauthToken("frank");
            for (String url : List.of("ftp://example.com/x", "http://127.0.0.1:1/hook", "http://localhost/",
                    "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/", "http://192.168.0.1/",
                    "http://[::1]/", "http://0.0.0.0/", "not a url", "http://user@127.0.0.1/")) {
                var response = export(strict, token, "/api/v1/user/exportlogs", new JsonObject().put("callback_url", url));
                assertEquals(400, response.statusCode(), url + ": " + response.body());
                assertEquals("Invalid callback URL", new JsonObject(response.body()).getString("error_message"), url);
            }
            assertEquals(400, export(strict, token, "/api/v1/user/exportlogs",
                    new JsonObject().put("callback_email", "nobody")).statusCode());
            assertEquals(400, export(strict, token, "/api/v1/user/exportlogs",
                    new JsonObject().put("callback_email", "frank@example.com")).statusCode(), "no MAIL_SERVER");
            assertEquals(400, export(strict, token, "/api/v1/user/exportlogs", new JsonObject()).statusCode());
            assertEquals(400, export(strict, token, "/api/v1/user/exportlogs?starttime=13/45/2020",
                    new JsonObject().put("callback_email", "a@b.c")).statusCode());
            assertTrue(new Fixtures(strict).query("SELECT 1 FROM log_export", Tuple.tuple()).isEmpty());
            assertFalse(strict.services().config().usageLog().callbackAllowedHosts().contains("127.0.0.1"));
        }
    }
}
