package io.berth.registry.ui;

import io.berth.registry.testing.Chromium;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Create New Repository and the repository page's Information, Tags and Settings tabs, in headless Chromium. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepositoryPagesIT {
    private static TestServer server;
    private static Chromium browser;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        browser = Chromium.open(server);
        server.createUser("alice", "alice-password");
        server.createUser("mallory", "mallory-password");
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void createNewRepositoryExplainsBadNamesInlineThenOpensTheRepository() {
        signIn("alice", "alice-password");
        browser.go("/new");
        browser.waitForText("h1", "Create New Repository");
        assertEquals("alice", new Select(browser.find("#namespace")).getFirstSelectedOption().getText());
        browser.find("#name").sendKeys("Bad Name");
        browser.find("main button[type=submit]").click();
        browser.waitForText("#form-error", "Invalid repository name");
        assertEquals("Bad Name", browser.find("#name").getAttribute("value"));
        browser.screenshot("repo-01-new-invalid");

        browser.find("#name").clear();
        browser.find("#name").sendKeys("app");
        browser.find("#description").sendKeys("Plans for the app");
        browser.find("main button[type=submit]").click();
        browser.waitForText("h1", "alice/app");
        assertEquals("/repository/alice/app", browser.path());
        assertEquals("private", browser.find(".badge").getText());
        assertEquals("podman pull " + server.hostPort() + "/alice/app", browser.find("#pull-podman").getText());
        assertEquals("docker pull " + server.hostPort() + "/alice/app", browser.find("#pull-docker").getText());
        assertEquals("Plans for the app", browser.find("#description").getAttribute("value"));
        browser.screenshot("repo-02-information");

        browser.go("/new");
        browser.find("#name").sendKeys("app");
        browser.find("main button[type=submit]").click();
        browser.waitForText("#form-error", "already exists");
    }

    @Test
    @Order(2)
    void writersEditTheDescription() {
        browser.go("/repository/alice/app");
        browser.find("#description").clear();
        browser.find("#description").sendKeys("Secret plans for the app");
        browser.find("main form button[type=submit]").click();
        browser.waitForText(".notice", "Saved");
        assertEquals("Secret plans for the app", browser.find("#description").getAttribute("value"));
    }

    @Test
    @Order(3)
    void tagsTabShowsPushedTagsWithSizeDigestAndPullCommands() {
        var http = new RegistryHttp(server);
        String token = http.token("alice", "alice-password", "repository:alice/app:pull,push");
        var image = Images.image(Map.of(), "layer one".getBytes(StandardCharsets.UTF_8));
        Images.push(http, "alice/app", token, "v1", image);

        browser.go("/repository/alice/app?tab=tags");
        String row = browser.waitForText("table.tags tbody", "v1").getText();
        assertTrue(row.contains("not scanned"), row);
        assertTrue(row.contains(image.digest().substring(0, 19)), row);
        assertTrue(row.contains(" B") || row.contains("KiB"), "size shown: " + row);
        assertTrue(row.contains("Never"), row);
        browser.find("table.tags summary").click();
        assertEquals("docker pull " + server.hostPort() + "/alice/app@" + image.digest(),
                browser.waitForText("#dd-0", "docker pull").getText());
        browser.screenshot("repo-03-tags");
    }

    @Test
    @Order(4)
    void aNonMemberCannotTellAPrivateRepositoryFromAMissingOne() {
        signIn("mallory", "mallory-password");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "404");
        String privateOne = browser.find("main").getText();
        assertFalse(browser.pageSource().contains("Secret plans"));
        browser.go("/repository/alice/nothing-here");
        browser.waitForText("h1", "404");
        assertEquals(privateOne, browser.find("main").getText());
        browser.go("/repository/alice/app?tab=settings");
        browser.waitForText("h1", "404");
        browser.go("/repository");
        assertFalse(browser.pageSource().contains("alice/app"));
    }

    @Test
    @Order(5)
    void settingsMakeTheRepositoryPublicAndDeleteItOnlyWithItsName() {
        signIn("alice", "alice-password");
        browser.go("/repository/alice/app?tab=settings");
        browser.find(".card:not(.danger) button[type=submit]").click();
        browser.waitForText("#visibility-now", "public");
        browser.screenshot("repo-04-settings");

        signIn("mallory", "mallory-password");
        browser.go("/explore");
        browser.waitForText("#results", "alice/app");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "alice/app");
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.cssSelector("textarea#description")).isEmpty(),
                "a reader sees the description but cannot edit it");
        assertEquals("Secret plans for the app", browser.find("#description-text").getText());

        signIn("alice", "alice-password");
        browser.go("/repository/alice/app?tab=settings");
        browser.find("#confirm").sendKeys("alice/ap");
        browser.find("button.danger").click();
        browser.waitForText("#form-error", "Type alice/app exactly");
        browser.find("#confirm").sendKeys("alice/app");
        browser.find("button.danger").click();
        browser.waitForText("h1", "Repositories");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "404");
    }

    private static void signIn(String user, String password) {
        browser.driver().manage().deleteAllCookies();
        browser.go("/signin");
        browser.find("#username").sendKeys(user);
        browser.find("#password").sendKeys(password);
        browser.find("main button[type=submit]").click();
        browser.waitForText("h1", "Repositories");
    }
}
