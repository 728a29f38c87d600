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
import java.util.List;
import java.util.Map;

import static io.berth.registry.ui.UiSteps.typeEntity;
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
        assertEquals("Repositories", browser.find(".tabs [aria-current=page]").getText());
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Teams and Membership")));
        assertTrue(browser.find("table.teams").getText().contains("owners"), "the creator's owners team is listed");
    }

    @Test
    @Order(2)
    void createTeamWithAMember() {
        browser.go("/organization/acme?tab=teams");
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
        typeEntity("#member", "bob");
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("ul.members", "bob");
        browser.screenshot("org-02-team");
    }

    @Test
    @Order(3)
    void robotCredentialsDialogAndRegenerate() {
        browser.go("/organization/acme?tab=robots");
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

        browser.clickAndLoad(browser.find("form.regenerate button"));
        browser.waitForText(".notice", "new token");
        assertNotEquals(token, browser.find("#cred-token").getText());

        browser.go("/organization/acme?tab=robots");
        assertTrue(browser.find("table.robots").getText().contains("acme+ci"));
        assertTrue(browser.find("table.robots").getText().contains("CI pushes"));
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
        typeEntity("#perm-entity", "acme+ci");
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
        assertFalse(browser.pageSource().contains("acme/app"), "a member without a role on a private repository");
        browser.go("/organization/acme?tab=teams");
        assertTrue(browser.find("table.teams").getText().contains("builders"));
        assertTrue(browser.driver().findElements(By.cssSelector("form.create-robot, table.robots")).isEmpty(),
                "robots are for administrators");
        browser.go("/organization/acme/robots/ci");
        browser.waitForText("h1", "404");
    }

    @Test
    @Order(6)
    void adminsChangeATeamsRoleAndDeleteTeams() {
        signIn("alice");
        browser.go("/organization/acme?tab=teams");
        new Select(browser.find("#role-builders")).selectByVisibleText("Member");
        browser.clickAndLoad(browser.find("#role-builders ~ button"));
        browser.waitForText("#notice", "Saved");
        assertEquals("member", new Select(browser.find("#role-builders")).getFirstSelectedOption().getAttribute("value"));

        // a role the drop-down does not offer is refused next to the table, as a 400
        setOptionValue("#role-builders", "owner");
        browser.clickAndLoad(browser.find("#role-builders ~ button"));
        browser.waitForText("#form-error", "Invalid role owner");
        assertEquals(400, browser.status());

        // deleting the caller's only admin team is refused by TeamService
        browser.driver().findElement(By.xpath("//tr[td//a[text()='owners']]//summary")).click();
        browser.clickAndLoad(browser.driver().findElement(By.xpath("//button[text()='Delete team owners']")));
        browser.waitForText("#form-error", "would remove admin ability");
        assertTrue(browser.find("table.teams").getText().contains("owners"));

        browser.find("#team-name").sendKeys("builders");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("#form-error", "A team named builders already exists");
        assertEquals("member", new Select(browser.find("#role-builders")).getFirstSelectedOption().getAttribute("value"),
                "creating never changes an existing team");
        browser.find("#team-name").clear();
        browser.find("#team-name").sendKeys("short.lived");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("h1", "Team short.lived");
        browser.go("/organization/acme?tab=teams");
        var summary = browser.driver().findElement(By.xpath("//tr[td//a[text()='short.lived']]//summary"));
        summary.sendKeys(org.openqa.selenium.Keys.ENTER); // the confirmation opens from the keyboard
        browser.clickAndLoad(browser.driver().findElement(By.xpath("//button[text()='Delete team short.lived']")));
        browser.waitForText("#notice", "Team deleted");
        assertFalse(browser.find("table.teams").getText().contains("short.lived"));
        browser.screenshot("org-05-teams-tab");
    }

    @Test
    @Order(7)
    void theTeamPageSetsTheTeamsRoleOnRepositories() {
        browser.go("/organization/acme/teams/builders");
        browser.waitForText("#no-team-permissions", "no role");
        assertEquals("acme", browser.find("#member").getAttribute("data-namespace"));
        assertTrue(browser.find("#member").getDomAttribute("data-entity-picker") != null);
        new Select(browser.find("#perm-repository")).selectByVisibleText("acme/app");
        new Select(browser.find("#perm-role")).selectByVisibleText("Write");
        browser.clickAndLoad(browser.find("form.add-team-permission button"));
        browser.waitForText("#notice", "Saved");
        String row = browser.find("table.team-permissions tbody tr").getText();
        assertTrue(row.contains("acme/app"), row);
        assertEquals("write", new Select(browser.find("#grant-0")).getFirstSelectedOption().getAttribute("value"));
        browser.go("/repository/acme/app?tab=settings");
        assertTrue(browser.find("table.perms").getText().contains("builders"), "the repository lists the team");

        browser.go("/organization/acme/teams/builders");
        new Select(browser.find("#grant-0")).selectByVisibleText("Admin");
        browser.clickAndLoad(browser.find("#grant-0 ~ button"));
        assertEquals("admin", new Select(browser.find("#grant-0")).getFirstSelectedOption().getAttribute("value"));

        setOptionValue("#perm-role", "superuser");
        browser.clickAndLoad(browser.find("form.add-team-permission button"));
        browser.waitForText("#form-error", "Invalid role superuser");
        assertEquals(400, browser.status());
        setOptionValue("#perm-repository", "nope");
        browser.clickAndLoad(browser.find("form.add-team-permission button"));
        browser.waitForText("#form-error", "No repository acme/nope");
        browser.screenshot("org-06-team-permissions");

        browser.clickAndLoad(browser.find("table.team-permissions button.danger"));
        browser.waitForText("#notice", "Permission removed");
        browser.waitForText("#no-team-permissions", "no role");
        assertTrue(browser.find("ul.members").getText().contains("bob"), "the members stay");
    }

    @Test
    @Order(8)
    void robotPermissionsAreSetInBulk() {
        browser.go("/new");
        new Select(browser.find("#namespace")).selectByVisibleText("acme");
        browser.find("#name").sendKeys("web");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "acme/web");

        browser.go("/organization/acme/robots/ci");
        browser.waitForText("#granted", "1 repository");
        assertEquals("write", role("app"));
        assertEquals("none", role("web"));
        select("app", "Read");
        select("web", "Admin");
        browser.clickAndLoad(browser.find("form.robot-permissions button[type=submit]"));
        browser.waitForText("#notice", "Permissions saved");
        browser.waitForText("#granted", "2 repositories");
        assertEquals("read", role("app"));
        assertEquals("admin", role("web"));
        browser.scrollIntoView(browser.find("form.robot-permissions"));
        browser.screenshot("org-07-robot-permissions");
        browser.go("/repository/acme/web?tab=settings");
        assertTrue(browser.find("table.perms").getText().contains("acme+ci"));

        browser.go("/organization/acme/robots/ci");
        select("app", "None");
        setOptionValue("select[data-repository=web]", "owner");
        browser.clickAndLoad(browser.find("form.robot-permissions button[type=submit]"));
        browser.waitForText("#form-error", "Invalid role owner");
        assertEquals(400, browser.status());
        assertEquals("read", role("app"), "a rejected form changes nothing");

        browser.go("/organization/acme/robots/ci");
        select("app", "None");
        browser.clickAndLoad(browser.find("form.robot-permissions button[type=submit]"));
        browser.waitForText("#granted", "1 repository");
        assertEquals("none", role("app"));
        assertEquals("admin", role("web"));
        browser.go("/organization/acme?tab=robots");
        assertTrue(browser.find("table.robots").getText().contains("acme+ci"));
    }

    @Test
    @Order(9)
    void robotsAreDeletedAfterConfirmation() {
        browser.go("/organization/acme?tab=robots");
        browser.find("#robot-name").sendKeys("scratch");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.waitForText("h1", "acme+scratch");
        browser.go("/organization/acme?tab=robots");
        browser.driver().findElement(By.xpath("//tr[td//a[text()='acme+scratch']]//summary")).click();
        browser.clickAndLoad(browser.driver().findElement(By.xpath("//button[text()='Delete Robot acme+scratch']")));
        browser.waitForText("#notice", "Robot account deleted");
        assertFalse(browser.find("table.robots").getText().contains("acme+scratch"));
        assertTrue(browser.find("table.robots").getText().contains("acme+ci"));
        browser.go("/organization/acme/robots/scratch");
        browser.waitForText("h1", "404");
    }

    @Test
    @Order(10)
    void membersSeeOnlyRepositoriesAndTeams() {
        signIn("bob");
        browser.go("/organization/acme/teams/builders");
        browser.waitForText("ul.members", "bob");
        assertTrue(browser.driver().findElements(By.cssSelector("form.add-member, form.add-team-permission")).isEmpty());
        browser.go("/organization/acme?tab=teams");
        assertTrue(browser.driver().findElements(By.cssSelector("form.team-role, form.delete-team, form.create-team"))
                .isEmpty(), "only admins change teams");
        assertEquals(List.of("Repositories", "Teams and Membership"), browser.driver()
                .findElements(By.cssSelector(".tabs a")).stream().map(e -> e.getText()).toList());
        for (String tab : new String[] {"robots", "defaults", "applications", "settings"}) {
            browser.go("/organization/acme?tab=" + tab);
            browser.waitForText("h1", "404");
        }
        signIn("eve");
        for (String tab : new String[] {"repos", "teams", "robots", "settings"}) {
            browser.go("/organization/acme?tab=" + tab);
            browser.waitForText("h1", "404");
            assertFalse(browser.pageSource().contains("builders"), tab);
        }
    }

    /** The robot page's choice for one repository. */
    private static String role(String repository) {
        return new Select(browser.find("select[data-repository=" + repository + "]")).getFirstSelectedOption()
                .getAttribute("value");
    }

    private static void select(String repository, String label) {
        new Select(browser.find("select[data-repository=" + repository + "]")).selectByVisibleText(label);
    }

    /** Gives the selected option of a drop-down another value, as a hand-made request could. */
    static void setOptionValue(String css, String value) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
                "var s = document.querySelector(arguments[0]); s.options[s.selectedIndex].value = arguments[1];",
                css, value);
    }

    /** The HTTP status of the page shown, from the browser's navigation timing. */
}
