package io.berth.registry.ui;

import io.berth.registry.clients.Cli;
import io.berth.registry.clients.Clients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.berth.registry.ui.UiSteps.addTag;
import static io.berth.registry.ui.UiSteps.deleteTag;
import static io.berth.registry.ui.UiSteps.filterLogs;
import static io.berth.registry.ui.UiSteps.logSentences;
import static io.berth.registry.ui.UiSteps.setExpiration;
import static io.berth.registry.ui.UiSteps.tagRow;
import static io.berth.registry.ui.UiSteps.tagShown;
import static io.berth.registry.ui.UiSteps.typeEntity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journey through the web UI, as one new user takes it in headless Chromium: sign up, an organization with
 * a team and a robot, the robot's copied Docker Login run by a real docker to push into a private repository, the tag
 * gear menu, Tag History, Usage Logs, and finally a public repository that Explore shows to a signed-out visitor.
 * Each step depends on the one before, and every page visited is saved under {@code target/screenshots/journey-*}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiJourneyIT extends BrowserTestBase {
    private static Cli docker;
    private static String registry;
    private static Path rootfs;
    /** The manifest digests docker reported for the two tags the robot pushed. */
    private static String latest;
    private static String next;
    private static int shot;

    @BeforeAll
    static void start() {
        Clients.requireDocker();
        open("bob");
        registry = server.hostPort();
        docker = Cli.withFreshHome("ui-journey");
        rootfs = Clients.busyboxRootfsTar(Clients.tempDir("journey-rootfs"));
    }

    @AfterAll
    static void removeImages() {
        if (docker != null) docker.run("docker", "rmi", "-f", image("latest"), image("next"));
    }

    @Test
    @Order(1)
    void signUp() {
        browser.go("/");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Sign in")));
        browser.clickAndLoad(browser.find("a[href='/signup']"));
        browser.waitForText("h1", "Create account");
        browser.find("#username").sendKeys("carol");
        browser.find("#email").sendKeys("carol@example.com");
        browser.find("#password").sendKeys("carol-password");
        shoot("signup");
        browser.clickAndLoad(browser.find("form:not(.inline) button[type=submit]"));
        browser.waitForText("h1", "Repositories");
        assertTrue(browser.find(".who").getText().contains("carol"));
        shoot("repositories-empty");
    }

    @Test
    @Order(2)
    void createOrganization() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Create New Organization")));
        browser.find("#name").sendKeys("acme");
        browser.find("#email").sendKeys("acme@example.com");
        shoot("organization-new");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme");
        assertEquals("/organization/acme", browser.path());
        shoot("organization");
    }

    @Test
    @Order(3)
    void createTeamWithAMember() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Teams and Membership")));
        assertTrue(browser.find("table.teams").getText().contains("owners"));
        browser.find("#team-name").sendKeys("deployers");
        new Select(browser.find("#team-role")).selectByVisibleText("Member");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("h1", "Team deployers");
        typeEntity("#member", "bob");
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("ul.members", "bob");
        shoot("team");
        browser.go("/organization/acme?tab=teams");
        assertTrue(teamRow("deployers").getText().contains("1"), teamRow("deployers").getText());
    }

    @Test
    @Order(4)
    void createRobotAndRunItsCopiedDockerLogin() {
        browser.go("/organization/acme?tab=robots");
        browser.find("#robot-name").sendKeys("ci");
        browser.find("#robot-description").sendKeys("Pushes releases");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.waitForText("h1", "Robot Account acme+ci");
        browser.driver().findElement(By.xpath("//summary[normalize-space()='Docker Login']")).click();
        ((HasCdp) browser.driver()).executeCdpCommand("Browser.grantPermissions", Map.of("origin", server.baseUrl(),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        browser.find("button[data-copy=cred-docker-login]").click();
        String copied = (String) ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "navigator.clipboard.readText().then(done, function (e) { done('failed: ' + e); });");
        assertTrue(copied.startsWith("docker login ") && copied.contains("acme+ci") && copied.endsWith(registry), copied);
        shoot("robot-credentials");

        String out = docker.run("sh", "-c", copied).ok().all();
        assertTrue(out.contains("Login Succeeded"), out);
    }

    @Test
    @Order(5)
    void createPrivateRepositoryAndGiveTheRobotWrite() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Create New Repository")));
        new Select(browser.find("#namespace")).selectByVisibleText("acme");
        browser.find("#name").sendKeys("app");
        browser.find("#description").sendKeys("The acme app");
        assertTrue(browser.find("input[name=visibility][value=private]").isSelected(), "new repositories start private");
        shoot("repository-new");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme/app");
        assertEquals("private", browser.find(".badge").getText());

        String denied = docker.run("docker", "pull", image("latest")).all();
        assertTrue(denied.contains("denied") || denied.contains("unauthorized"), "no access yet: " + denied);

        browser.go("/organization/acme/robots/ci");
        new Select(browser.find("select[data-repository=app]")).selectByVisibleText("Write");
        browser.clickAndLoad(browser.find("form.robot-permissions button[type=submit]"));
        browser.waitForText("#notice", "Permissions saved");
        browser.waitForText("#granted", "1 repository of acme");
        shoot("robot-permissions");
    }

    @Test
    @Order(6)
    void theRobotPushesAndTheTagsTabShowsSizeAndDigest() {
        latest = importAndPush("latest", "CMD [\"/bin/sh\"]");
        next = importAndPush("next", "CMD [\"/bin/true\"]");
        assertNotEquals(latest, next);

        browser.go("/repository/acme/app");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Tags")));
        String row = tagRow("latest").getText();
        assertTrue(row.contains(latest.substring(0, 19)), row);
        assertTrue(row.matches("(?s).*\\b\\d+(\\.\\d+)? (B|KiB|MiB)\\b.*"), "a size is shown: " + row);
        assertTrue(tagRow("next").getText().contains(next.substring(0, 19)), tagRow("next").getText());
        shoot("tags");
    }

    @Test
    @Order(7)
    void addMoveExpireAndDeleteATag() {
        addTag("latest", "stable", false);
        browser.waitForText(".notice", "Saved");
        assertTrue(tagRow("stable").getText().contains(latest.substring(0, 19)), tagRow("stable").getText());

        addTag("next", "stable", false);
        browser.waitForText("#form-error", "Tag stable already exists");
        addTag("next", "stable", true);
        browser.waitForText(".notice", "Saved");
        assertTrue(tagRow("stable").getText().contains(next.substring(0, 19)), "moved: " + tagRow("stable").getText());
        shoot("tag-moved");

        var inAWeek = LocalDateTime.now(ZoneOffset.UTC).plusDays(7).truncatedTo(ChronoUnit.MINUTES);
        setExpiration("stable", inAWeek.toString());
        browser.waitForText(".notice", "Saved");
        String shown = inAWeek.toString().replace('T', ' ') + " UTC";
        assertTrue(tagRow("stable").getText().contains(shown), tagRow("stable").getText() + " lacks " + shown);
        shoot("tag-expiration");

        deleteTag("stable");
        browser.waitForText(".notice", "Saved");
        assertFalse(tagShown("stable"), "stable is deleted");
        shoot("tag-deleted");
    }

    @Test
    @Order(8)
    void revertTheDeletedTagFromTagHistory() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Tag History")));
        assertTrue(browser.find("ol.history").getText().contains("stable"));
        shoot("tag-history");
        browser.clickAndLoad(browser.driver().findElement(
                By.xpath("//button[starts-with(normalize-space(), 'Revert stable')]")));
        browser.waitForText(".notice", "Saved");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Tags")));
        assertTrue(tagRow("stable").getText().contains(next.substring(0, 19)), tagRow("stable").getText());
        shoot("tag-reverted");

        String pulled = docker.run("docker", "pull", image("stable")).ok().all();
        assertTrue(pulled.contains(next), pulled);
        docker.run("docker", "rmi", image("stable")).ok();
    }

    @Test
    @Order(9)
    void everyActionIsInUsageLogsAndTheFilterFindsThem() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Usage Logs")));
        String all = browser.find("ol.log-entries").getText();
        for (String expected : List.of("Create repository acme/app", "Push latest to repository acme/app",
                "Push next to repository acme/app")) {
            assertTrue(all.contains(expected), all + " lacks " + expected);
        }
        filterLogs("stable");
        List<String> stable = logSentences();
        for (String expected : List.of("Create tag stable", "Move tag stable", "Set tag stable to expire on",
                "Delete tag stable", "Restore tag stable")) {
            assertTrue(stable.stream().anyMatch(s -> s.startsWith(expected)), stable + " lacks " + expected);
        }
        assertTrue(stable.stream().allMatch(s -> s.contains("stable")), "the filter keeps only matches: " + stable);
        browser.scrollIntoView(browser.find("ol.log-entries"));
        shoot("repository-logs");

        browser.go("/organization/acme/logs");
        filterLogs("acme+ci");
        List<String> robot = logSentences();
        assertTrue(robot.stream().anyMatch(s -> s.startsWith("Create robot account acme+ci")), robot.toString());
        filterLogs("deployers");
        List<String> team = logSentences();
        assertTrue(team.stream().anyMatch(s -> s.startsWith("Add bob to team deployers")), team.toString());
        browser.scrollIntoView(browser.find("ol.log-entries"));
        shoot("organization-logs");
    }

    @Test
    @Order(10)
    void aPublicRepositoryIsInExploreForSignedOutVisitors() {
        browser.go("/explore");
        browser.clickAndLoad(browser.find("header button[type=submit]"));
        browser.go("/explore");
        assertFalse(browser.pageSource().contains("acme/app"), "private repositories stay out of Explore");

        signIn("carol");
        browser.go("/repository/acme/app");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Settings")));
        browser.clickAndLoad(browser.find("#visibility-toggle"));
        browser.waitForText("#visibility-now", "public");
        shoot("repository-settings-public");

        browser.clickAndLoad(browser.find("header button[type=submit]"));
        browser.waitForText("header", "Sign in");
        browser.go("/explore");
        browser.find("#q").sendKeys("acme app");
        browser.waitForText("#results", "The acme app");
        shoot("explore-signed-out");
        browser.followLink("acme/app");
        browser.waitForText("h1", "acme/app");
        shoot("repository-signed-out");
    }

    private static String image(String tag) {
        return registry + "/acme/app:" + tag;
    }

    /** Imports the busybox root filesystem under the tag (the change makes each image distinct) and pushes it. */
    private static String importAndPush(String tag, String change) {
        docker.run("docker", "import", "--change", change, rootfs.toString(), image(tag)).ok();
        return Clients.digestIn(docker.run("docker", "push", image(tag)).ok().out());
    }

    private static void shoot(String page) {
        browser.screenshot("journey-%02d-%s".formatted(++shot, page));
    }

    private static WebElement teamRow(String team) {
        return browser.driver().findElement(By.xpath("//table[contains(@class,'teams')]//tr[td[contains(., '"
                + team + "')]]"));
    }
}
