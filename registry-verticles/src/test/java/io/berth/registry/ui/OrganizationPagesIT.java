package io.berth.registry.ui;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Organizations, teams with members and robot accounts with their credentials, in headless Chromium. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrganizationPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open("alice", "bob", "eve");
    }

    @Test
    @Order(1)
    void createOrganizationRejectsBadNamesInline() {
        signIn("alice");
        browser.go("/organizations/new");
        browser.find("#name").sendKeys("Bad Org");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Bad Org");
        browser.screenshot("org-01-new-invalid");
        browser.find("#name").clear();
        browser.find("#name").sendKeys("acme");
        browser.find("#email").sendKeys("acme@example.com");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme");
        assertEquals("/organization/acme", browser.path());
        assertTrue(browser.find("table.teams").getText().contains("owners"), "the creator's owners team is listed");
    }

    @Test
    @Order(2)
    void createTeamWithAMember() {
        browser.go("/organization/acme");
        browser.find("#team-name").sendKeys("Bad Team");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("#form-error", "Invalid team name");
        browser.find("#team-name").clear();
        browser.find("#team-name").sendKeys("builders");
        new Select(browser.find("#team-role")).selectByVisibleText("Creator");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("h1", "Team builders");
        assertEquals("creator", browser.find(".badge").getText());

        browser.find("#member").sendKeys("ghost");
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("#form-error", "Unknown user");
        browser.find("#member").clear();
        browser.find("#member").sendKeys("bob");
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("ul.members", "bob");
        browser.screenshot("org-02-team");
    }

    @Test
    @Order(3)
    void robotCredentialsDialogAndRegenerate() {
        browser.go("/organization/acme");
        browser.find("#robot-name").sendKeys("Bad Robot");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.waitForText("#form-error", "Bad Robot");
        browser.find("#robot-name").clear();
        browser.find("#robot-name").sendKeys("ci");
        browser.find("#robot-description").sendKeys("CI pushes");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.waitForText("h1", "Robot Account acme+ci");
        String token = browser.find("#cred-token").getText();
        assertFalse(token.isBlank());
        browser.driver().findElement(By.xpath("//summary[normalize-space()='Docker Login']")).click();
        String login = browser.waitForText("#cred-docker-login", "docker login").getText();
        assertTrue(login.contains("acme+ci") && login.contains(token) && login.contains(server.hostPort()), login);
        browser.driver().findElement(By.xpath("//summary[normalize-space()='Kubernetes Secret']")).click();
        assertTrue(browser.waitForText("#cred-kubernetes", "kubernetes.io/dockerconfigjson").isDisplayed());
        browser.screenshot("org-03-robot-credentials");

        browser.clickAndLoad(browser.find("button.danger"));
        browser.waitForText(".notice", "new token");
        assertNotEquals(token, browser.find("#cred-token").getText());

        browser.go("/organization/acme");
        assertTrue(browser.find("ul.robots").getText().contains("acme+ci"));
        assertTrue(browser.find("ul.robots").getText().contains("CI pushes"));
    }

    @Test
    @Order(4)
    void robotWithWritePermissionPushesAndTheTagShows() {
        browser.go("/new");
        new Select(browser.find("#namespace")).selectByVisibleText("acme");
        browser.find("#name").sendKeys("app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme/app");
        browser.go("/repository/acme/app?tab=settings");
        browser.find("#perm-entity").sendKeys("acme+ci");
        new Select(browser.find("#perm-role")).selectByVisibleText("write");
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
        browser.waitForText("table.perms", "acme+ci");
        assertTrue(browser.find("table.perms").getText().contains("robot"));

        browser.go("/organization/acme/robots/ci");
        String token = browser.find("#cred-token").getText();
        var http = new RegistryHttp(server);
        var image = Images.image(Map.of(), "robot layer".getBytes(StandardCharsets.UTF_8));
        Images.push(http, "acme/app", http.token("acme+ci", token, "repository:acme/app:pull,push"), "latest", image);

        browser.go("/repository/acme/app?tab=tags");
        String tags = browser.waitForText("table.tags", "latest").getText();
        assertTrue(tags.contains(image.digest().substring(0, 19)), tags);
        browser.screenshot("org-04-robot-pushed-tag");
        browser.go("/organization/acme");
        assertTrue(browser.find("ul.org-repos").getText().contains("acme/app"));
    }

    @Test
    @Order(5)
    void outsidersSeeNeitherTeamsNorRobots() {
        signIn("eve");
        for (String page : new String[] {"/organization/acme", "/organization/acme/teams/builders",
                "/organization/acme/robots/ci"}) {
            browser.go(page);
            browser.waitForText("h1", "404");
            assertFalse(browser.pageSource().contains("acme+ci"), page);
        }
        signIn("bob");
        browser.go("/organization/acme");
        browser.waitForText("h1", "acme");
        assertTrue(browser.find("table.teams").getText().contains("builders"));
        assertFalse(browser.pageSource().contains("acme/app"), "a member without a role on a private repository");
        assertTrue(browser.driver().findElements(By.cssSelector("form.create-robot, ul.robots")).isEmpty(),
                "robots are for administrators");
        browser.go("/organization/acme/robots/ci");
        browser.waitForText("h1", "404");
    }

}
