package io.berth.registry.ui;

import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entity picker in headless Chromium: typing a prefix into the repository Settings tab's permission input or the
 * team page's member input offers users, robots and teams from /api/v1/entities; choosing one by keyboard or mouse
 * fills the input (and the kind), and the form saves it.
 */
class EntityPickerIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open("dora", "dominic");
        var http = new RegistryHttp(server);
        String dora = server.oauthToken("dora");
        ok(http.api("PUT", "/user/robots/ci", dora, null));
        ok(http.api("POST", "/repository", dora, new JsonObject().put("repository", "app").put("visibility", "private")
                .put("description", "")));
        ok(http.api("POST", "/organization/", dora, new JsonObject().put("name", "dockyard")
                .put("email", "ops@dockyard.test")));
        ok(http.api("PUT", "/organization/dockyard/team/crew", dora, new JsonObject().put("role", "member")));
        ok(http.api("POST", "/repository", dora, new JsonObject().put("namespace", "dockyard").put("repository", "site")
                .put("visibility", "private").put("description", "")));
    }

    /** Waits for the suggestion naming {@code name} and checks the kind it shows. */
    static WebElement suggestion(String name, String kind) {
        var option = new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions
                .visibilityOfElementLocated(By.cssSelector(".entity-list [role=option][data-name='" + name + "']")));
        assertEquals(kind, option.findElement(By.cssSelector(".badge")).getText());
        return option;
    }

    /** The Settings tab's permissions as "name kind role" rows. */
    static List<String> grants() {
        return browser.driver().findElements(By.cssSelector("table.perms tbody tr")).stream().map(tr -> {
            var cells = tr.findElements(By.tagName("td"));
            var role = tr.findElements(By.tagName("select"));
            return cells.get(0).getText() + " " + cells.get(1).getText() + " "
                    + (role.isEmpty() ? cells.get(2).getText() : role.getFirst().getAttribute("value"));
        }).toList();
    }

    @Test
    void theRepositoryPermissionPickerSuggestsRobotsUsersAndTeams() {
        signIn("dora");
        // the picker looks up from script (below); the same address opened in the browser is refused
        browser.go("/api/v1/entities/ci?namespace=dora");
        assertEquals(400, browser.status());
        assertTrue(browser.pageSource().contains("X-Requested-With"), browser.pageSource());
        browser.go("/repository/dora/app?tab=settings");
        var input = browser.find("#perm-entity");
        assertEquals("combobox", input.getAttribute("role"));
        input.sendKeys("ci");
        suggestion("dora+ci", "robot");
        assertEquals("true", input.getAttribute("aria-expanded"));
        browser.screenshot("picker-01-robot-suggested");
        input.sendKeys(Keys.ARROW_DOWN);
        assertEquals(browser.find("[data-name='dora+ci']").getAttribute("id"),
                input.getAttribute("aria-activedescendant"));
        input.sendKeys(Keys.ENTER);
        assertEquals("dora+ci", input.getAttribute("value"), "Enter chose the suggestion and did not submit");
        assertEquals("false", input.getAttribute("aria-expanded"));
        new Select(browser.find("#perm-role")).selectByVisibleText("write");
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        assertEquals(List.of("dora user admin (owner)", "dora+ci robot write"), grants());

        browser.find("#perm-entity").sendKeys("dom");
        suggestion("dominic", "user").click();
        assertEquals("dominic", browser.find("#perm-entity").getAttribute("value"));
        assertEquals("user", browser.find("#perm-kind").getAttribute("value"));
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        assertTrue(grants().contains("dominic user read"), grants().toString());
    }

    @Test
    void teamsAreSuggestedForAnOrganizationsRepositoryAndSetTheKind() {
        signIn("dora");
        browser.go("/repository/dockyard/site?tab=settings");
        browser.find("#perm-entity").sendKeys("cr");
        suggestion("crew", "team").click();
        assertEquals("team", browser.find("#perm-kind").getAttribute("value"));
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        assertTrue(grants().contains("crew team read"), grants().toString());

        // Escape closes the suggestions; a name typed in full posts as it is
        var input = browser.find("#perm-entity");
        input.sendKeys("dominic");
        suggestion("dominic", "user");
        input.sendKeys(Keys.ESCAPE);
        assertEquals("false", input.getAttribute("aria-expanded"));
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        assertTrue(grants().contains("dominic user read"), grants().toString());
    }

    @Test
    void theTeamPageMemberPickerSuggestsUsersAndTheOrganizationsRobots() {
        ok(new RegistryHttp(server).api("PUT", "/organization/dockyard/robots/deployer", server.oauthToken("dora"), null));
        signIn("dora");
        browser.go("/organization/dockyard/teams/crew");
        var input = browser.find("#member");
        input.sendKeys("dep");
        suggestion("dockyard+deployer", "robot");
        input.sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
        browser.clickAndLoad(browser.find("form.add-member button[type=submit]"));
        browser.waitForText("ul.members", "dockyard+deployer");

        browser.find("#member").sendKeys("do");
        suggestion("dominic", "user");
        suggestion("dora", "user").click();
        browser.clickAndLoad(browser.find("form.add-member button[type=submit]"));
        browser.waitForText("ul.members", "dora");
    }
}
