package io.berth.registry.ui;

import io.berth.registry.clients.Cli;
import io.berth.registry.clients.Clients;
import io.berth.registry.testing.Browser;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chromium.HasCdp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository page's Builds tab (Build History, Start New Build) and the build page (live log, Download Logs,
 * Copy Logs, Cancel), in headless Chromium with the node's in-process worker and the real Docker engine: the base
 * image is a busybox-static root filesystem pushed into Berth first, and builds pull it from Berth.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildPagesIT extends BrowserTestBase {
    private static final Duration BUILD_TIME = Duration.ofMinutes(3);
    private static Cli docker;
    private static String base;
    private static final List<String> images = new ArrayList<>();
    private static Builds builds;
    /** The page of the build started through the form in {@link #aWriterStartsADockerfileBuildFromTheForm}. */
    private static String formBuild;

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        open(Map.of("BUILD_LEASE", "20s"), "alice", "bob");
        builds = new Builds(server);
        docker = Cli.withFreshHome("build-pages-it");
        String registry = server.hostPort();
        docker.runWithInput("alice-password", "docker", "login", "-u", "alice", "--password-stdin", registry).ok();
        base = registry + "/alice/base:1";
        docker.run("docker", "import", "--change", "CMD [\"/bin/sh\"]",
                Clients.busyboxRootfsTar(Clients.tempDir("rootfs")).toString(), base).ok();
        docker.run("docker", "push", base).ok();
        docker.run("docker", "rmi", base).ok();
        // the worker keeps the base image it pulls; the test leaves the engine as it found it
        images.add(base);
        Clients.makePublic(server, "alice", "base");
        Builds.until(Duration.ofSeconds(30), "the build manager", () -> server.services().buildManager().active() ? true : null);
    }

    @AfterAll
    static void removeImages() {
        if (docker == null || images.isEmpty()) return;
        var args = new ArrayList<>(List.of("docker", "rmi", "-f"));
        args.addAll(images);
        docker.run(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void buildHistoryStartsEmptyAndFilters() {
        signIn("alice");
        browser.go("/new");
        browser.find("#name").sendKeys("app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "alice/app");
        browser.go("/repository/alice/app?tab=builds");
        browser.waitForText("h2", "Start New Build");
        browser.waitForText("#no-builds", "No builds");
        browser.clickAndLoad(browser.find("#filter-48h"));
        browser.waitForText("#no-builds", "No builds in this period");
        browser.screenshot("builds-01-empty");
    }

    @Test
    @Order(2)
    void aStartedBuildAppearsInBuildHistory() {
        String token = builds.token("alice");
        String file = builds.drop(token, "FROM scratch\n".getBytes(StandardCharsets.UTF_8));
        String uuid = builds.start(token, "alice/app", new JsonObject().put("file_id", file)
                .put("docker_tags", new JsonArray().add("ui"))).getString("id");
        for (String filter : new String[]{"recent", "48h", "30d"}) {
            browser.go("/repository/alice/app?tab=builds&filter=" + filter);
            browser.waitForText("table.builds code", uuid.substring(0, 8));
            assertEquals("alice", browser.find("table.builds tbody td:nth-child(3)").getText());
            assertEquals("ui", browser.find("table.builds tbody td:nth-child(5)").getText());
            assertTrue(!browser.find("table.builds .phase").getText().isEmpty());
        }
        browser.screenshot("builds-02-history");

        browser.clickAndLoad(browser.find("table.builds a"));
        browser.waitForText("h1", uuid);
        assertTrue(!browser.find("#phase").getText().isEmpty());
        assertTrue(browser.find("#download-logs").isDisplayed());
        // the log holds the phases the worker went through, one line each
        browser.waitForText("#build-log", "Step 1/1 : FROM scratch");
        assertTrue(browser.driver().findElements(By.cssSelector("#build-log .log-line")).size() > 1);
        browser.screenshot("builds-03-build");
    }

    @Test
    @Order(3)
    void aWriterStartsADockerfileBuildFromTheForm() {
        signIn("alice");
        browser.go("/repository/alice/app?tab=builds");
        browser.waitForText("h2", "Start New Build");
        assertEquals("latest", browser.find("#build-tags").getDomProperty("value"));
        assertEquals("alice", browser.find("#build-robot").getDomAttribute("data-namespace"));
        assertTrue(browser.find("#build-robot").getDomAttribute("data-entity-picker") != null);
        shots("builds-04-start-form");

        browser.find("#build-file").sendKeys(file("Dockerfile", ("FROM " + base + "\nRUN echo built-from-the-form\n")
                .getBytes(StandardCharsets.UTF_8)).toString());
        browser.find("#build-tags").clear();
        browser.find("#build-tags").sendKeys("form, one");
        submitBuild();
        formBuild = browser.path();
        browser.waitForText("#phase", "complete", BUILD_TIME);
        String log = browser.find("#build-log").getText();
        assertTrue(log.contains("Step 2/2 : RUN echo built-from-the-form"), log);
        assertTrue(log.lines().anyMatch(l -> l.equals("built-from-the-form")), log);
        assertTrue(browser.find("main").getText().contains("tags form, one"));
        assertTrue(browser.driver().findElements(By.id("cancel-build")).isEmpty(), "a finished build has no Cancel");
        shots("builds-05-complete");

        browser.go("/repository/alice/app?tab=builds");
        browser.waitForText("table.builds", "form, one");
    }

    @Test
    @Order(4)
    void downloadLogsIsTheLogAsTextAndCopyLogsCopiesIt() {
        var http = Browser.signedIn(server, "alice", "alice-password");
        HttpResponse<String> download = http.get(formBuild + "?format=text");
        assertEquals(200, download.statusCode());
        assertTrue(download.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(download.body().contains("Step 2/2 : RUN echo built-from-the-form\n"), download.body());
        assertTrue(download.body().lines().count() > 5, download.body());

        browser.go(formBuild);
        browser.waitForText("#phase", "complete");
        var js = (JavascriptExecutor) browser.driver();
        // what Copy Logs copies is the whole log, line for line as Download Logs gives it
        assertEquals(download.body(), js.executeScript("return document.getElementById('build-log').textContent;"));

        ((HasCdp) browser.driver()).executeCdpCommand("Browser.grantPermissions", Map.of("origin", server.baseUrl(),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        browser.find("#copy-logs").click();
        browser.waitForText("#copy-logs", "Copied");
        Object copied = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "navigator.clipboard.readText().then(done, function (e) { done('failed: ' + e); });");
        assertEquals(download.body().trim(), copied);
    }

    @Test
    @Order(5)
    void anArchiveBuildsFromItsSubdirectoryContext() throws IOException {
        byte[] big = new byte[300 * 1024];
        new Random(7).nextBytes(big);
        byte[] archive = tarGz(Map.of(
                "README", "not part of the context\n".getBytes(StandardCharsets.UTF_8),
                "app/Dockerfile", ("FROM " + base + "\nCOPY hello.txt big.bin /\nRUN cat /hello.txt && wc -c < /big.bin\n")
                        .getBytes(StandardCharsets.UTF_8),
                "app/hello.txt", "hello from the subdirectory\n".getBytes(StandardCharsets.UTF_8),
                "app/big.bin", big));
        assertTrue(archive.length > 64 * 1024, "the upload is larger than the pages' body limit");

        browser.go("/repository/alice/app?tab=builds");
        browser.find("#build-file").sendKeys(file("context.tar.gz", archive).toString());
        browser.find("#build-context").sendKeys("/app");
        browser.find("#build-tags").clear();
        browser.find("#build-tags").sendKeys("archive");
        submitBuild();
        browser.waitForText("#phase", "complete", BUILD_TIME);
        String log = browser.find("#build-log").getText();
        assertTrue(log.lines().anyMatch(l -> l.equals("hello from the subdirectory")), log);
        assertTrue(log.lines().anyMatch(l -> l.trim().equals(String.valueOf(big.length))), log);
    }

    @Test
    @Order(6)
    void mistakesInTheFormAreShownNextToIt() {
        browser.go("/repository/alice/app?tab=builds");
        browser.find("#build-file").sendKeys(file("Dockerfile", ("FROM " + base + "\n").getBytes(StandardCharsets.UTF_8))
                .toString());
        browser.find("#build-context").sendKeys("sub");
        browser.find("#build-tags").clear();
        browser.find("#build-tags").sendKeys("bad!tag");
        browser.clickAndLoad(browser.find("#start-build-button"));
        browser.waitForText("#form-error", "Invalid tag bad!tag");
        assertEquals("/repository/alice/app?tab=builds", browser.path());
        // what was typed is still there, to correct
        assertEquals("bad!tag", browser.find("#build-tags").getDomProperty("value"));
        assertEquals("sub", browser.find("#build-context").getDomProperty("value"));
        shots("builds-06-invalid-tag");

        var http = Browser.signedIn(server, "alice", "alice-password");
        String csrf = http.csrfToken();
        int before = buildCount();
        long files = userFiles();
        byte[] dockerfile = "FROM scratch\n".getBytes(StandardCharsets.UTF_8);
        assertRefusedInline(post(http, form(csrf, Map.of("tags", "bad!tag")), dockerfile), 400, "Invalid tag bad!tag");
        assertRefusedInline(post(http, form(csrf, Map.of()), null), 400, "Choose a Dockerfile or an archive");
        assertRefusedInline(post(http, form(csrf, Map.of("context", "app", "dockerfile_path", "other/Dockerfile")),
                dockerfile), 400, "The Dockerfile must be inside the build context");
        assertRefusedInline(post(http, form(csrf, Map.of("context", "../up")), dockerfile), 400,
                "context must stay inside the build context");
        assertRefusedInline(post(http, form(csrf, Map.of("pull_robot", "nobody")), dockerfile), 400,
                "Could not find robot with username: alice+nobody");
        assertEquals(before, buildCount(), "no build was started");
        assertEquals(List.of(), scratchLeft(), "refused uploads are not kept");
        assertEquals(files, userFiles(), "refused uploads are not kept");
    }

    @Test
    @Order(7)
    void aReaderSeesNoStartNewBuildAndCannotStartOne() {
        var bob = Browser.signedIn(server, "bob", "bob-password");
        byte[] dockerfile = "FROM scratch\n".getBytes(StandardCharsets.UTF_8);
        int before = buildCount();
        // a private repository bob cannot read is not there for him
        assertEquals(404, post(bob, form(bob.csrfToken(), Map.of()), dockerfile).statusCode());

        var grant = builds.json("PUT", "/api/v1/repository/alice/app/permissions/user/bob", builds.token("alice"),
                new JsonObject().put("role", "read"));
        assertEquals(200, grant.statusCode(), grant.body());
        signIn("bob");
        browser.go("/repository/alice/app?tab=builds");
        browser.waitForText("h2", "Build History");
        assertTrue(browser.driver().findElements(By.id("start-build")).isEmpty(), "a reader sees no Start New Build");
        assertTrue(browser.driver().findElements(By.cssSelector("input[type=file]")).isEmpty());
        shots("builds-07-reader");

        // a reader's forged post with his own valid CSRF token is refused before the upload is read
        HttpResponse<String> forged = post(bob, form(bob.csrfToken(), Map.of()), dockerfile);
        assertEquals(403, forged.statusCode(), forged.body());
        // and a writer's post without the CSRF token of her session too
        var alice = Browser.signedIn(server, "alice", "alice-password");
        assertEquals(403, post(alice, form("not-the-token", Map.of()), dockerfile).statusCode());
        assertEquals(before, buildCount(), "no build was started");
        assertEquals(List.of(), scratchLeft(), "refused uploads are not kept");
    }

    @Test
    @Order(8)
    void cancelEndsARunningBuildCancelled() {
        signIn("alice");
        browser.go("/repository/alice/app?tab=builds");
        browser.find("#build-file").sendKeys(file("Dockerfile", ("FROM " + base + "\nRUN echo sleeping && sleep 60\n")
                .getBytes(StandardCharsets.UTF_8)).toString());
        submitBuild();
        browser.waitForText("#phase", "building", BUILD_TIME);
        // the RUN step's container is running
        browser.waitForText("#build-log", "sleeping", BUILD_TIME);
        shots("builds-08-running");
        browser.clickAndLoad(browser.find("#cancel-build"));
        browser.waitForText("#phase", "cancelled", Duration.ofSeconds(60));
        assertTrue(browser.driver().findElements(By.id("cancel-build")).isEmpty());
        browser.screenshot("builds-09-cancelled");
    }

    @Test
    @Order(9)
    void disabledBuildsAndAFullQueueAreShownNextToTheForm() {
        byte[] dockerfile = "FROM scratch\n".getBytes(StandardCharsets.UTF_8);
        try (var disabled = TestServer.start(Map.of("FEATURE_BUILD_SUPPORT", false))) {
            var http = signedInOwner(disabled);
            assertRefusedInline(post(http, form(http.csrfToken(), Map.of()), dockerfile), 400,
                    "Builds are disabled on this registry.");
        }
        try (var full = TestServer.start(Map.of("DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT", 0, "BUILD_LOCAL_WORKER", false))) {
            var http = signedInOwner(full);
            assertRefusedInline(post(http, form(http.csrfToken(), Map.of()), dockerfile), 429,
                    "Maximum queued build rate exceeded.");
            assertEquals(0L, new Fixtures(full).query("SELECT count(*) FROM userfile", Tuple.tuple()).get(0).getLong(0),
                    "the file of a refused build is not kept");
        }
    }

    /** Submits Start New Build, which leads to the new build's page. */
    private static void submitBuild() {
        browser.clickAndLoad(browser.find("#start-build-button"));
        assertTrue(browser.path().matches("/repository/alice/app/build/[0-9a-f-]{36}"),
                () -> browser.path() + ": " + browser.find("main").getText());
    }

    /** alice with her repository alice/app on another node, signed in. */
    private static Browser signedInOwner(TestServer node) {
        node.createUser("alice", "alice-password");
        new Fixtures(node).repository("alice", "app", "private");
        return Browser.signedIn(node, "alice", "alice-password");
    }

    /** The Start New Build form's fields: the token first, as the page orders them, then {@code extra}. */
    private static Map<String, String> form(String csrf, Map<String, String> extra) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("_csrf_token", csrf);
        fields.put("action", "build");
        fields.putAll(extra);
        return fields;
    }

    private static HttpResponse<String> post(Browser http, Map<String, String> fields, byte[] file) {
        return http.postMultipart("/repository/alice/app?tab=builds", fields, "file", file == null ? null : "Dockerfile",
                file);
    }

    private static void assertRefusedInline(HttpResponse<String> response, int status, String message) {
        assertEquals(status, response.statusCode(), response.body());
        String html = response.body();
        int alert = html.indexOf("<p class=\"error\" role=\"alert\" id=\"form-error\">");
        assertTrue(alert >= 0, html);
        String shown = html.substring(alert, html.indexOf("</p>", alert));
        assertTrue(shown.contains(message.replace("'", "&#39;")), shown);
    }

    private static int buildCount() {
        var list = builds.get("/api/v1/repository/alice/app/build/?limit=100", builds.token("alice"));
        assertEquals(200, list.statusCode(), list.body());
        return new JsonObject(list.body()).getJsonArray("builds").size();
    }

    private static long userFiles() {
        return new Fixtures(server).query("SELECT count(*) FROM userfile", Tuple.tuple()).get(0).getLong(0);
    }

    /** What is left in the storage's upload scratch space (uploads go there before they are kept). */
    private static List<String> scratchLeft() {
        Path uploads = server.services().config().storagePath().resolve("uploads");
        if (!Files.isDirectory(uploads)) return List.of();
        try (var entries = Files.list(uploads)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page at 1280 and at 390 pixels wide, where nothing may overflow sideways. */
    private static void shots(String name) {
        browser.screenshot(name);
        browser.width(390, 844);
        assertTrue(browser.scrollWidth() <= 390, name + " overflows at 390 px: " + browser.scrollWidth());
        browser.screenshot(name + "-390");
        browser.width(1280, 900);
    }

    private static Path file(String name, byte[] content) {
        try {
            Path file = Clients.tempDir("build-pages").resolve(name);
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (var e : new java.util.TreeMap<>(entries).entrySet()) {
                var entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
