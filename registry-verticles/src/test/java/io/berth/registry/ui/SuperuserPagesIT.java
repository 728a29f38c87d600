package io.berth.registry.ui;

import io.berth.registry.testing.Recoveries;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The superuser panel in headless Chromium: only for SUPER_USERS; users are created, get a new e-mail, a recovery
 * e-mail or a new password, are disabled, taken over and deleted; organizations are renamed, taken over and deleted; deleting needs the name typed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuperuserPagesIT extends BrowserTestBase {
    private static RegistryHttp http;

    @BeforeAll
    static void start() throws IOException {
        openWithMail(Map.of("SUPER_USERS", List.of("root")), "root", "dave", "frank", "gina");
        http = new RegistryHttp(server);
        ok(http.api("POST", "/organization/", server.oauthToken("gina"), new JsonObject().put("name", "ginaworks")
                .put("email", "g@ginaworks.test")));
        ok(http.api("POST", "/organization/", server.oauthToken("gina"), new JsonObject().put("name", "oldname")
                .put("email", "o@oldname.test")));
    }

    @Test
    @Order(1)
    void onlySuperusersSeeThePanelAndUsersAreCreated() {
        signIn("dave");
        assertFalse(browser.find("header").getText().contains("Superuser panel"));
        browser.go("/superuser");
        browser.waitForText("h1", "404");

        signIn("root");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Superuser panel")));
        browser.waitForText("h1", "Superuser panel");
        assertTrue(browser.find("table.users").getText().contains("dave"));
        assertTrue(userRow("root").getText().contains("superuser"));
        assertTrue(userRow("root").findElements(By.tagName("details")).isEmpty(), "superusers are not managed here");

        browser.find("#new-username").sendKeys("Bad User");
        browser.clickAndLoad(browser.find("form.create-user button"));
        browser.waitForText("#form-error", "Invalid namespace");
        assertEquals(400, browser.status());
        browser.find("#new-username").sendKeys("erin");
        browser.find("#new-email").sendKeys("erin@example.com");
        browser.clickAndLoad(browser.find("form.create-user button"));
        assertTrue(browser.waitForText("#created", "User erin was created").getText().contains("shown only once"));
        browser.screenshot("superuser-01-created");
    }

    @Test
    @Order(2)
    void aUsersEmailAndPasswordAreChanged() {
        manage(userRow("dave"));
        WebElement email = userRow("dave").findElement(By.name("email"));
        email.clear();
        email.sendKeys("dave@new.example");
        browser.clickAndLoad(userRow("dave").findElement(By.cssSelector("form.user-email button")));
        browser.waitForText("#notice", "The e-mail of dave is now dave@new.example.");
        assertTrue(userRow("dave").getText().contains("dave@new.example"));

        manage(userRow("dave"));
        browser.clickAndLoad(userRow("dave").findElement(By.cssSelector("form.user-recovery button")));
        browser.waitForText("#notice", "A recovery e-mail was sent to dave@new.example.");
        assertTrue(Recoveries.link(smtp, "dave@new.example").contains("/recovery?code="));

        manage(userRow("dave"));
        userRow("dave").findElement(By.name("password")).sendKeys("short");
        browser.clickAndLoad(userRow("dave").findElement(By.cssSelector("form.user-password button")));
        browser.waitForText("#form-error", "8");
        assertEquals(400, browser.status());
        manage(userRow("dave"));
        userRow("dave").findElement(By.name("password")).sendKeys("a-brand-new-password");
        browser.screenshot("superuser-02-manage-user");
        browser.clickAndLoad(userRow("dave").findElement(By.cssSelector("form.user-password button")));
        browser.waitForText("#notice", "The password of dave was changed.");
        http.token("dave", "a-brand-new-password");
        assertThrows(IllegalStateException.class, () -> http.token("dave", "dave-password"));
    }

    @Test
    @Order(3)
    void usersAreDisabledTakenOverAndDeletedOnlyWithTheirNameTyped() {
        manage(userRow("dave"));
        browser.clickAndLoad(userRow("dave").findElement(By.xpath(".//button[normalize-space()='Disable dave']")));
        browser.waitForText("#notice", "dave is disabled.");
        assertTrue(userRow("dave").getText().contains("disabled"));

        manage(userRow("frank"));
        browser.clickAndLoad(userRow("frank").findElement(By.cssSelector("form.user-take-ownership button")));
        browser.waitForText("#notice", "frank is now an organization that you administer.");
        assertTrue(browser.driver().findElements(By.cssSelector("tr[data-user=frank]")).isEmpty());
        assertTrue(orgRow("frank").isDisplayed());

        manage(userRow("erin"));
        userRow("erin").findElement(By.name("confirm")).sendKeys("eri");
        browser.clickAndLoad(userRow("erin").findElement(By.cssSelector("form.user-delete button")));
        browser.waitForText("#form-error", "Type erin exactly to delete the user.");
        assertTrue(userRow("erin").isDisplayed());
        manage(userRow("erin"));
        userRow("erin").findElement(By.name("confirm")).sendKeys("erin");
        browser.clickAndLoad(userRow("erin").findElement(By.cssSelector("form.user-delete button")));
        browser.waitForText("#notice", "erin was deleted.");
        assertFalse(browser.find("table.users").getText().contains("erin"));
    }

    @Test
    @Order(4)
    void organizationsAreRenamedTakenOverAndDeleted() {
        manage(orgRow("oldname"));
        orgRow("oldname").findElement(By.name("name")).sendKeys("Bad Name");
        browser.clickAndLoad(orgRow("oldname").findElement(By.cssSelector("form.org-rename button")));
        browser.waitForText("#form-error", "Invalid organization name");
        manage(orgRow("oldname"));
        orgRow("oldname").findElement(By.name("name")).sendKeys("newname");
        browser.clickAndLoad(orgRow("oldname").findElement(By.cssSelector("form.org-rename button")));
        browser.waitForText("#notice", "oldname is now called newname.");
        assertTrue(orgRow("newname").isDisplayed());

        manage(orgRow("ginaworks"));
        browser.clickAndLoad(orgRow("ginaworks").findElement(By.cssSelector("form.org-take-ownership button")));
        browser.waitForText("#notice", "You are now an administrator of ginaworks.");
        browser.go("/organization/ginaworks/teams/owners");
        browser.waitForText("ul.members", "root");

        browser.go("/superuser");
        manage(orgRow("newname"));
        orgRow("newname").findElement(By.name("confirm")).sendKeys("ginaworks");
        browser.clickAndLoad(orgRow("newname").findElement(By.cssSelector("form.org-delete button")));
        browser.waitForText("#form-error", "Type newname exactly to delete the organization.");
        manage(orgRow("newname"));
        orgRow("newname").findElement(By.name("confirm")).sendKeys("newname");
        browser.screenshot("superuser-03-manage-organization");
        browser.clickAndLoad(orgRow("newname").findElement(By.cssSelector("form.org-delete button")));
        browser.waitForText("#notice", "newname was deleted.");
        assertTrue(browser.driver().findElements(By.cssSelector("tr[data-org=newname]")).isEmpty());
        browser.go("/organization/newname");
        browser.waitForText("h1", "404");
    }

    private static WebElement userRow(String name) {
        return browser.find("tr[data-user='" + name + "']");
    }

    private static WebElement orgRow(String name) {
        return browser.find("tr[data-org='" + name + "']");
    }

    private static void manage(WebElement row) {
        WebElement details = row.findElement(By.tagName("details"));
        if (details.getAttribute("open") == null) details.findElement(By.tagName("summary")).click();
    }
}
