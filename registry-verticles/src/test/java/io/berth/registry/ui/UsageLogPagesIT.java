package io.berth.registry.ui;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.berth.registry.logs.LogPartitionRepository;
import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.testing.RegistryHttp.ok;
import static io.berth.registry.ui.UiSteps.filterLogs;
import static io.berth.registry.ui.UiSteps.logSentences;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage Logs in headless Chromium: the repository's tab, the user's page and an organization's, with entries of real
 * actions in sentences, the filter, the date range, details, the chart, pages, Export Logs, and 404 for outsiders.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsageLogPagesIT extends BrowserTestBase {
    static final String LOGS = "/repository/alice/app?tab=logs";
    static GreenMail mail;
    static Fixtures fixtures;
    static RegistryHttp http;
    static LocalDate today;

    @BeforeAll
    static void start() throws Exception {
        mail = new GreenMail(new ServerSetup(TestServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        open(Map.of("MAIL_SERVER", "127.0.0.1", "MAIL_PORT", mail.getSmtp().getPort(), "MAIL_USE_TLS", false,
                "MAIL_DEFAULT_SENDER", "registry@example.com"), "alice", "bob");
        fixtures = new Fixtures(server);
        http = new RegistryHttp(server);
        today = LocalDate.now(ZoneOffset.UTC);
    }

    @AfterAll
    static void stopMail() {
        mail.stop();
    }

    @Test
    @Order(1)
    void realActionsShowAsSentences() {
        signIn("alice");
        browser.go("/new");
        browser.find("#name").sendKeys("app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "alice/app");
        browser.find("#description").sendKeys("Secret plans");
        browser.clickAndLoad(browser.find("main form button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        String token = http.token("alice", "alice-password", "repository:alice/app:pull,push");
        Images.push(http, "alice/app", token, "latest", Images.image(Map.of(), "one".getBytes(StandardCharsets.UTF_8)));
        fixtures.flushUsageLog();

        browser.go(LOGS);
        assertEquals("Information Tags Tag History Builds Usage Logs Settings",
                browser.find("nav.tabs").getText().replace('\n', ' '));
        assertEquals("Usage Logs", browser.find("nav.tabs [aria-current=page]").getText());
        assertEquals(List.of("Create tag latest in repository alice/app", "Push latest to repository alice/app",
                "Change the description for repository alice/app to Secret plans", "Create repository alice/app"),
                logSentences());
        assertEquals(today.minusDays(6).toString(), browser.find("#log-from").getAttribute("value"));
        assertEquals(today.toString(), browser.find("#log-to").getAttribute("value"));
        assertTrue(browser.find("ol.log-entries").getText().contains("alice"), "the performer is shown");
        browser.screenshot("logs-01-repository");
    }

    @Test
    @Order(2)
    void anEntryExpandsToItsDetails() {
        WebElement entry = entry("Create tag latest");
        WebElement details = entry.findElement(By.tagName("dl"));
        assertFalse(details.isDisplayed());
        entry.findElement(By.tagName("summary")).click();
        assertTrue(details.isDisplayed());
        String text = details.getText();
        for (String expected : List.of("create_tag", "Performed by\nalice", "127.0.0.1", today.toString(),
                "manifest_digest\nsha256:", "tag\nlatest")) {
            assertTrue(text.contains(expected), text + " lacks " + expected);
        }
        browser.scrollIntoView(entry);
        browser.screenshot("logs-02-details");
    }

    @Test
    @Order(3)
    void theFilterNarrowsTheEntries() {
        filterLogs("latest");
        assertEquals(List.of("Create tag latest in repository alice/app", "Push latest to repository alice/app"), logSentences());
        assertEquals("2 of 4 entries on this page match “latest”.", browser.find("#filter-count").getText());
        filterLogs("set_repo_description");
        assertEquals(List.of("Change the description for repository alice/app to Secret plans"), logSentences());
        filterLogs("ALICE");
        assertEquals(4, logSentences().size(), "the performer matches");
        filterLogs("nothing like this");
        assertEquals("No entries on this page match “nothing like this”.", browser.find("#no-logs").getText());
        filterLogs("");
        assertEquals(4, logSentences().size());
    }

    @Test
    @Order(4)
    void theChartHasABarPerDayAndTodaysCountsEveryEntry() {
        browser.go(LOGS);
        var bars = browser.driver().findElements(By.cssSelector(".log-chart g.day"));
        assertEquals(7, bars.size(), "a bar per day of the default week");
        WebElement todays = browser.find(".log-chart g.day.today");
        assertEquals(today.toString(), todays.getAttribute("data-day"));
        assertEquals("4", todays.findElement(By.cssSelector("text.count")).getText());
        assertEquals(1, todays.findElements(By.tagName("rect")).size());
        assertEquals("0", bars.get(0).findElement(By.cssSelector("text.count")).getText());
        WebElement svg = browser.find(".log-chart svg");
        assertEquals("img", svg.getAttribute("role"));
        String title = browser.find("#log-chart-title").getAttribute("textContent");
        assertTrue(title.contains("4 actions in all"), title);
        String description = browser.find("#log-chart-desc").getAttribute("textContent");
        assertTrue(description.endsWith(": 4"), description);
        String barTitle = todays.findElement(By.tagName("title")).getAttribute("textContent");
        assertTrue(barTitle.contains("4 actions") && barTitle.contains("create_repo 1"), barTitle);
    }

    @Test
    @Order(5)
    void theDateRangeExcludesAndIncludesEntries() throws Exception {
        LocalDate old = today.minusDays(10);
        long repo = fixtures.query("SELECT id FROM repository WHERE name = 'app'", Tuple.tuple()).get(0).getLong(0);
        new LogPartitionRepository().ensure(server.services().database().pool(), List.of(old)).await(30, TimeUnit.SECONDS);
        fixtures.query("""
                INSERT INTO usage_log (kind, namespace_id, namespace_name, namespace_kind, repository_id, repository_name,
                                       performer_name, performer_kind, ip, metadata, created_at)
                SELECT 'set_repo_description', r.namespace_id, 'alice', 'user', r.id, r.name, 'alice', 'user', '10.0.0.9',
                       $2, $3 FROM repository r WHERE r.id = $1""",
                Tuple.of(repo, new JsonObject().put("namespace", "alice").put("repo", "app").put("description", "Old plans"),
                        old.atTime(12, 0).atOffset(ZoneOffset.UTC)));

        browser.go(LOGS);
        assertFalse(browser.find("ol.log-entries").getText().contains("Old plans"), "older than the week shown");
        showRange(today.minusDays(12), today.minusDays(8));
        assertEquals(List.of("Change the description for repository alice/app to Old plans"), logSentences());
        assertEquals(5, browser.driver().findElements(By.cssSelector(".log-chart g.day")).size());
        assertEquals("1", browser.find(".log-chart g.day[data-day='" + old + "'] text.count").getText());
        showRange(today.minusDays(12), today);
        assertEquals(5, logSentences().size(), "both weeks");

        showRange(today, today.minusDays(1));
        assertEquals("The To date is before the From date.", browser.find("#logs-error").getText());
        var alice = Browser.signedIn(server, "alice", "alice-password");
        assertEquals(400, alice.get(LOGS + "&from=" + today + "&to=" + today.minusDays(1)).statusCode());
        assertEquals(400, alice.get(LOGS + "&from=" + today.minusDays(40) + "&to=" + today).statusCode());
        assertEquals(400, alice.get(LOGS + "&from=yesterday").statusCode());
    }

    @Test
    @Order(6)
    void olderEntriesAreOnTheNextPage() {
        String token = server.oauthToken("alice");
        for (int i = 1; i <= 100; i++) {
            ok(http.api("PUT", "/repository/alice/app", token, new JsonObject().put("description", "Plan " + i)));
        }
        fixtures.flushUsageLog();
        browser.go(LOGS);
        List<String> first = logSentences();
        assertEquals(100, first.size());
        assertEquals("Change the description for repository alice/app to Plan 100", first.get(0));
        assertTrue(browser.driver().findElements(By.id("logs-first")).isEmpty());
        browser.clickAndLoad(browser.find("#logs-next"));
        assertEquals(List.of("Create tag latest in repository alice/app", "Push latest to repository alice/app",
                "Change the description for repository alice/app to Secret plans", "Create repository alice/app"),
                logSentences());
        assertTrue(browser.driver().findElements(By.id("logs-next")).isEmpty(), "the last page");
        assertEquals(today.toString(), browser.find("#log-to").getAttribute("value"), "the range stays");
        browser.clickAndLoad(browser.find("#logs-first"));
        assertEquals(first, logSentences());
        assertEquals("104", browser.find(".log-chart g.day.today text.count").getText());
    }

    @Test
    @Order(7)
    void exportLogsByEMailIsQueuedAndSent() throws Exception {
        browser.go(LOGS);
        WebElement export = browser.find("details.export-logs");
        assertFalse(browser.find("#export-destination").isDisplayed());
        export.findElement(By.tagName("summary")).click();
        browser.find("#export-destination").sendKeys("alice@example.com");
        browser.scrollIntoView(export);
        browser.screenshot("logs-03-export");
        browser.clickAndLoad(browser.find("#export-start"));
        String notice = browser.waitForText("#export-queued", "Logs export queued").getText();
        String id = browser.find("#export-queued code").getText();
        assertTrue(notice.contains(id), notice);
        var row = fixtures.query("SELECT callback_email, repository_name, start_time, end_time FROM log_export WHERE id = $1::uuid",
                Tuple.of(id)).get(0);
        assertEquals("alice@example.com", row.getString(0));
        assertEquals("app", row.getString(1));
        assertEquals(today.minusDays(6).atStartOfDay().atOffset(ZoneOffset.UTC).toInstant(),
                row.getOffsetDateTime(2).toInstant());
        assertEquals(today.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).toInstant(),
                row.getOffsetDateTime(3).toInstant());

        assertTrue(mail.waitForIncomingEmail(60_000, 1), "no e-mail arrived");
        var message = mail.getReceivedMessages()[0];
        assertTrue(message.getSubject().contains(id), message.getSubject());
        assertTrue(GreenMailUtil.getBody(message).contains(server.baseUrl() + "/exportedlogs/"));
    }

    @Test
    @Order(8)
    void aBadCallbackUrlOrAddressIsExplainedInTheDialog() {
        exportTo("http://127.0.0.1:9/hook");
        assertEquals("Invalid callback URL", browser.find("#export-error").getText());
        assertTrue(browser.find("#export-destination").isDisplayed(), "the dialog stays open");
        assertEquals("http://127.0.0.1:9/hook", browser.find("#export-destination").getAttribute("value"));
        browser.screenshot("logs-04-export-error");
        exportTo("not-an-address");
        assertEquals("Invalid callback e-mail", browser.find("#export-error").getText());

        var alice = Browser.signedIn(server, "alice", "alice-password");
        var response = alice.postForm("/repository/alice/app", Map.of("_csrf_token", alice.csrfToken(),
                "action", "export-logs", "destination", "ftp://example.com/x"));
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("Invalid callback URL"), response.body());
    }

    @Test
    @Order(9)
    void theUserAndTheOrganizationHaveTheirOwnLogs() throws Exception {
        Poll.until(Duration.ofSeconds(60), "the export's outcome is logged",
                () -> fixtures.logKinds("alice").contains("export_logs_success"));
        browser.go("/user/settings");
        browser.clickAndLoad(browser.find("#usage-logs-link"));
        assertEquals("/user/logs", browser.path());
        browser.waitForText("h1", "Usage Logs");
        assertTrue(logSentences().contains("Export usage logs to alice@example.com"), logSentences().toString());
        browser.clickAndLoad(browser.find("#logs-next"));
        assertTrue(logSentences().contains("Create repository alice/app"), logSentences().toString());
        assertEquals("/user/settings", path(browser.find("p.back a").getAttribute("href")));

        browser.go("/organizations/new");
        browser.find("#name").sendKeys("acme");
        browser.find("#email").sendKeys("acme@example.com");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme");
        fixtures.flushUsageLog();
        browser.go("/organization/acme/logs");
        assertEquals("Usage Logs of acme", browser.find("h1").getText());
        assertEquals("/organization/acme", path(browser.find("p.back a").getAttribute("href")));
        assertTrue(logSentences().contains("Create organization acme"), logSentences().toString());
        exportTo("bad address");
        assertEquals("Invalid callback e-mail", browser.find("#export-error").getText());
        exportTo("acme@example.com");
        browser.waitForText("#export-queued", "Logs export queued");
        assertTrue(browser.path().startsWith("/organization/acme/logs?from="), browser.path());
    }

    @Test
    @Order(10)
    void itLooksRightAt390Pixels() {
        browser.width(390, 844);
        try {
            browser.go(LOGS);
            entry("Plan 100").findElement(By.tagName("summary")).click();
            browser.find("details.export-logs summary").click();
            browser.scrollIntoView(browser.find(".log-chart"));
            assertTrue(browser.scrollWidth() <= 390, "overflows 390 px: " + browser.scrollWidth());
            browser.screenshot("logs-05-narrow");
        } finally {
            browser.width(1280, 900);
        }
    }

    @Test
    @Order(11)
    void nonAdministratorsAndStrangersGetNotFound() {
        String token = server.oauthToken("alice");
        ok(http.api("PUT", "/repository/alice/app/permissions/user/bob", token, new JsonObject().put("role", "write")));
        signIn("bob");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "alice/app");
        assertFalse(browser.find("nav.tabs").getText().contains("Usage Logs"), "only administrators see the tab");
        browser.go(LOGS);
        browser.waitForText("h1", "404");
        browser.go("/organization/acme/logs");
        browser.waitForText("h1", "404");
        String missing = browser.find("main").getText();
        browser.go("/organization/no-such-org/logs");
        assertEquals(missing, browser.find("main").getText(), "an organization's logs look like a missing one's");

        var bob = Browser.signedIn(server, "bob", "bob-password");
        assertEquals(404, bob.get(LOGS).statusCode());
        assertEquals(404, bob.postForm("/repository/alice/app", Map.of("_csrf_token", bob.csrfToken(),
                "action", "export-logs", "destination", "bob@example.com")).statusCode());
        assertEquals(404, bob.postForm("/organization/acme/logs", Map.of("_csrf_token", bob.csrfToken(),
                "action", "export-logs", "destination", "bob@example.com")).statusCode());
        assertEquals(200, bob.get("/user/logs").statusCode());

        var stranger = new Browser(server);
        assertEquals(404, stranger.get(LOGS).statusCode());
        assertEquals(404, stranger.get("/organization/acme/logs").statusCode());
        var toSignIn = stranger.get("/user/logs");
        assertEquals(303, toSignIn.statusCode());
        assertEquals("/signin?next=%2Fuser%2Flogs", toSignIn.headers().firstValue("Location").orElse(null),
                "signing in leads back to the page");
        assertTrue(fixtures.query("SELECT 1 FROM log_export WHERE callback_email = 'bob@example.com'", Tuple.tuple())
                .isEmpty(), "no export was queued for bob");
    }

    /** The first entry whose sentence contains the text. */
    private static WebElement entry(String text) {
        return browser.driver().findElement(By.xpath(
                "//ol[contains(@class,'log-entries')]/li[.//span[@class='sentence' and contains(., '" + text + "')]]"));
    }

    /** Sets the date inputs (typing into them depends on the browser's locale) and shows the range. */
    private static void showRange(LocalDate from, LocalDate to) {
        var js = (JavascriptExecutor) browser.driver();
        js.executeScript("document.getElementById('log-from').value = arguments[0];"
                + "document.getElementById('log-to').value = arguments[1];", from.toString(), to.toString());
        browser.clickAndLoad(browser.find("#log-show"));
    }

    private static void exportTo(String destination) {
        WebElement export = browser.find("details.export-logs");
        if (export.getAttribute("open") == null) export.findElement(By.tagName("summary")).click();
        browser.find("#export-destination").clear();
        browser.find("#export-destination").sendKeys(destination);
        browser.clickAndLoad(browser.find("#export-start"));
    }

    private static String path(String url) {
        return URI.create(url).getPath();
    }
}
