package io.berth.registry.ui;

import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's own pages in headless Chromium: User Settings (e-mail, password, time machine, account type, deleting
 * the account with its guard rails), Robot Accounts with their credentials page, and Authorized Applications; each
 * form's bad input is refused inline with status 400.
 */
class AccountPagesIT extends BrowserTestBase {
    static RegistryHttp http;

    @BeforeAll
    static void start() {
        open("carol", "tm", "rob", "appy", "conv", "boss", "joined", "solo", "helper");
        http = new RegistryHttp(server);
    }


    static void assertRefusedInline(String message) {
        browser.waitForText("#form-error", message);
        assertEquals(400, browser.status(), "an inline error answers 400");
    }

    static String currentTab() {
        return browser.find("nav.tabs [aria-current=page]").getText();
    }

    /** Sets a form field's value behind the page's back, as a hand-made request would. */
    static void tamper(String css, String value) {
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];", browser.find(css),
                value);
    }

    @Test
    void changeEmailAndPasswordThenDeleteTheAccount() {
        signIn("carol");
        browser.clickAndLoad(browser.find("a.who"));
        assertEquals("User Settings", currentTab());
        assertEquals("carol@example.com", browser.find("#email").getAttribute("value"));

        browser.find("#email").clear();
        browser.find("#email").sendKeys("carol@new.example.com");
        browser.clickAndLoad(browser.find("form.email button"));
        browser.waitForText(".notice", "Saved");
        assertEquals("carol@new.example.com", browser.find("#email").getAttribute("value"));

        changePassword("carol-new-password", "carol-other-password");
        assertRefusedInline("The two passwords differ.");
        changePassword("short", "short");
        assertRefusedInline("8");
        browser.screenshot("account-01-password-invalid");
        changePassword("carol-new-password", "carol-new-password");
        browser.waitForText(".notice", "Saved");

        browser.driver().manage().deleteAllCookies();
        browser.go("/signin");
        browser.find("#username").sendKeys("carol");
        browser.find("#password").sendKeys("carol-new-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "Repositories");

        browser.go("/user/settings");
        browser.find("#confirm").sendKeys("caro");
        browser.clickAndLoad(browser.find("form.delete button"));
        assertRefusedInline("Type your username carol exactly");
        browser.find("#confirm").sendKeys("carol");
        browser.clickAndLoad(browser.find("form.delete button"));
        browser.waitForText("h1", "Berth container registry");
        browser.go("/signin");
        browser.find("#username").sendKeys("carol");
        browser.find("#password").sendKeys("carol-new-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Invalid");
    }

    /** Types each value into the field of that id, then submits the form. */
    private static void submit(String form, String... idsAndValues) {
        for (int i = 0; i < idsAndValues.length; i += 2) browser.find("#" + idsAndValues[i]).sendKeys(idsAndValues[i + 1]);
        browser.clickAndLoad(browser.find(form + " button"));
    }

    private static void changePassword(String password, String repeat) {
        submit("form.password", "password", password, "repeat", repeat);
    }

    @Test
    void theTimeMachineWindowIsOneOfTheConfiguredOptions() {
        signIn("tm");
        browser.go("/user/settings");
        var select = new Select(browser.find("#expiration"));
        assertEquals(List.of("None", "1 day", "1 week", "2 weeks", "4 weeks"),
                select.getOptions().stream().map(o -> o.getText()).toList());
        assertEquals("2 weeks", select.getFirstSelectedOption().getText(), "DEFAULT_TAG_EXPIRATION");
        browser.screenshot("account-02-user-settings");
        browser.width(390, 844);
        assertTrue(browser.scrollWidth() <= 390, "User Settings overflows 390 px: " + browser.scrollWidth());
        browser.screenshot("account-03-user-settings-390px");
        browser.width(1280, 900);

        select.selectByVisibleText("1 day");
        browser.clickAndLoad(browser.find("form.expiration button"));
        browser.waitForText(".notice", "Saved");
        assertEquals("1 day", new Select(browser.find("#expiration")).getFirstSelectedOption().getText());
        var user = RegistryHttp.json(ok(http.api("GET", "/user/", server.oauthToken("tm"), null)));
        assertEquals(86400, user.getLong("tag_expiration_s"));

        tamper("#expiration option:checked", "12345");
        browser.clickAndLoad(browser.find("form.expiration button"));
        assertRefusedInline("Invalid tag expiration option");
        assertEquals("1 day", new Select(browser.find("#expiration")).getFirstSelectedOption().getText());
    }

    @Test
    void robotAccountsAreCreatedShownRegeneratedAndDeleted() {
        signIn("rob");
        browser.go("/user/settings");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Robot Accounts")));
        assertEquals("Robot Accounts", currentTab());
        browser.waitForText("#no-robots", "No robot accounts yet.");

        browser.find("#robot-name").sendKeys("Bad Name");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        assertRefusedInline("Invalid robot account name");
        assertEquals("Robot Accounts", currentTab());

        browser.find("#robot-name").clear();
        browser.find("#robot-name").sendKeys("deployer");
        browser.find("#robot-description").sendKeys("Deploys the site");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.waitForText("h1", "Robot Account rob+deployer");
        assertEquals("/user/settings/robots/deployer", browser.path());
        String token = browser.find("#cred-token").getAttribute("textContent").trim();
        assertEquals(64, token.length());
        assertTrue(browser.find("#cred-docker-login").getAttribute("textContent").contains("-u='rob+deployer'"));
        http.token("rob+deployer", token);
        browser.screenshot("account-04-robot-credentials");

        browser.clickAndLoad(browser.find("form.regenerate button"));
        browser.waitForText(".notice", "A new token was generated");
        String regenerated = browser.find("#cred-token").getAttribute("textContent").trim();
        assertNotEquals(token, regenerated);
        http.token("rob+deployer", regenerated);

        ok(http.api("POST", "/repository", server.oauthToken("rob"), new JsonObject().put("repository", "site")
                .put("visibility", "private").put("description", "")));
        browser.go("/user/settings/robots/deployer");
        browser.waitForText("#granted", "0 repositories of rob");
        new Select(browser.find("select[data-repository=site]")).selectByVisibleText("Write");
        browser.clickAndLoad(browser.find("form.robot-permissions button[type=submit]"));
        browser.waitForText("#notice", "Permissions saved");
        browser.waitForText("#granted", "1 repository of rob");
        var perm = RegistryHttp.json(ok(http.api("GET", "/repository/rob/site/permissions/user/rob+deployer",
                server.oauthToken("rob"), null)));
        assertEquals("write", perm.getString("role"));

        browser.clickAndLoad(browser.driver().findElement(By.linkText("← Robot Accounts")));
        var row = browser.find("table.robots tbody tr");
        assertTrue(row.getText().contains("rob+deployer") && row.getText().contains("Deploys the site"), row.getText());
        browser.screenshot("account-05-robot-accounts");

        browser.clickAndLoad(browser.find("table.robots button.danger"));
        browser.waitForText(".notice", "Robot account deleted.");
        browser.waitForText("#no-robots", "No robot accounts yet.");
        browser.go("/user/settings/robots/deployer");
        browser.waitForText("h1", "Page not found");

        browser.go("/user/settings?tab=robots");
        browser.find("#robot-name").sendKeys("gone");
        tamper("form.create-robot input[name=action]", "delete-robot");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        assertRefusedInline("Could not find robot with username: rob+gone");
    }

    @Test
    void authorizedApplicationsAreListedAndRevoked() {
        String api = server.oauthToken("appy");
        ok(http.api("POST", "/organization/", api, new JsonObject().put("name", "tools").put("email", "t@tools.test")));
        var app = RegistryHttp.json(ok(http.api("POST", "/organization/tools/applications", api, new JsonObject()
                .put("name", "Deployer").put("application_uri", "https://deployer.example/")
                .put("redirect_uri", "https://deployer.example/cb"))));
        var minted = RegistryHttp.json(ok(http.api("POST", "/organization/tools/applications/"
                + app.getString("client_id") + "/tokens", api, new JsonObject().put("name", "ci")
                .put("scope", "repo:read user:read"))));
        String granted = minted.getString("token");
        ok(http.api("GET", "/user/", granted, null));

        signIn("appy");
        browser.go("/user/settings?tab=applications");
        assertEquals("Authorized Applications", currentTab());
        var row = browser.driver().findElements(By.cssSelector("table.grants tbody tr")).stream()
                .filter(tr -> tr.getText().startsWith("Deployer")).findFirst().orElseThrow();
        assertEquals("https://deployer.example/", row.findElement(By.linkText("Deployer")).getAttribute("href"));
        assertTrue(row.getText().contains("tools"), row.getText());
        assertTrue(row.getText().contains("repo:read View and pull every repository you can see"), row.getText());
        assertTrue(row.getText().contains("user:read"), row.getText());
        browser.screenshot("account-06-authorized-applications");

        tamper("table.grants input[name=uuid]", "not-a-uuid");
        browser.clickAndLoad(browser.find("table.grants button.danger"));
        assertRefusedInline("Not Found");
        assertEquals("Authorized Applications", currentTab());

        row = browser.driver().findElements(By.cssSelector("table.grants tbody tr")).stream()
                .filter(tr -> tr.getText().startsWith("Deployer")).findFirst().orElseThrow();
        browser.clickAndLoad(row.findElement(By.cssSelector("button.danger")));
        browser.waitForText(".notice", "Access revoked.");
        assertFalse(browser.find("main").getText().contains("Deployer"), "the grant is gone from the list");
        assertEquals(401, http.api("GET", "/user/", granted, null).statusCode(), "its token stopped working");
    }

    @Test
    void anAccountIsConvertedIntoAnOrganizationAdministeredByTheChosenUser() {
        String boss = server.oauthToken("boss");
        ok(http.api("POST", "/organization/", boss, new JsonObject().put("name", "club").put("email", "c@club.test")));
        ok(http.api("PUT", "/organization/club/team/players", boss, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/club/team/players/members/joined", boss, null));

        signIn("joined");
        browser.go("/user/settings");
        browser.waitForText("#convert-blocked", "member of club");
        submit("form.convert", "admin-user", "boss", "admin-password", "boss-password");
        assertRefusedInline("Cannot convert an account that is a member of an organization");

        signIn("conv");
        browser.go("/user/settings");
        assertTrue(browser.driver().findElements(By.id("convert-blocked")).isEmpty());
        submit("form.convert", "admin-user", "boss", "admin-password", "wrong-password");
        assertRefusedInline("The admin user credentials are not valid");
        browser.scrollIntoView(browser.find("form.convert"));
        browser.screenshot("account-07-account-type");

        browser.find("#admin-user").sendKeys("bo");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions
                .visibilityOfElementLocated(By.cssSelector(".entity-list [data-name=boss]"))).click();
        assertEquals("boss", browser.find("#admin-user").getAttribute("value"));
        browser.find("#admin-password").sendKeys("boss-password");
        browser.clickAndLoad(browser.find("form.convert button"));
        browser.waitForText("#converted", "conv is now an organization");
        assertEquals("/signin?converted=conv", browser.path());

        browser.find("#username").sendKeys("conv");
        browser.find("#password").sendKeys("conv-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Invalid");
        signIn("boss");
        browser.go("/organization/conv?tab=teams");
        browser.waitForText("h1", "conv organization");
        assertTrue(browser.find("table.teams").getText().contains("owners"), browser.find("table.teams").getText());
    }

    @Test
    void theLastAdminOfAnOrganizationCannotDeleteTheAccount() {
        String solo = server.oauthToken("solo");
        ok(http.api("POST", "/organization/", solo, new JsonObject().put("name", "soloworks")
                .put("email", "s@soloworks.test")));
        signIn("solo");
        browser.go("/user/settings");
        browser.waitForText("#delete-blocked", "You are the only admin of soloworks");
        browser.find("#confirm").sendKeys("solo");
        browser.clickAndLoad(browser.find("form.delete button"));
        assertRefusedInline("Cannot delete solo as you are the only admin for organizations: soloworks");
        browser.scrollIntoView(browser.find("form.delete"));
        browser.screenshot("account-08-delete-refused");

        ok(http.api("PUT", "/organization/soloworks/team/owners/members/helper", solo, null));
        browser.go("/user/settings");
        assertTrue(browser.driver().findElements(By.id("delete-blocked")).isEmpty());
        browser.find("#confirm").sendKeys("solo");
        browser.clickAndLoad(browser.find("form.delete button"));
        browser.waitForText("h1", "Berth container registry");
        assertEquals(404, http.api("GET", "/users/solo", null, null).statusCode());
    }
}
