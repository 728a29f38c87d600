package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Recoveries;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Forgot your password?" in headless Chromium, with the mail GreenMail received: the sign-in page's link, the e-mail
 * form (a malformed address refused inline, any well-formed one answered neutrally, an organization's with Quay's
 * message), the mailed link signing in onto the password form, a new password, and signing in with it but not the
 * old one; used, bogus and expired links land on a 404 page saying so. Both widths, screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryPagesIT extends BrowserTestBase {
    private static final String NEUTRAL = "If an account uses that address, we sent it a link to reset the password.";
    private static final String INVALID = "Invalid recovery code: This code is invalid or may have already been used.";
    static Fixtures db;

    @BeforeAll
    static void start() throws Exception {
        openWithMail(Map.of(), "alice", "carol");
        db = new Fixtures(server);
        ok(new RegistryHttp(server).api("POST", "/organization/", server.oauthToken("alice"),
                new JsonObject().put("name", "initech").put("email", "ops@initech.test")));
    }

    @Test
    @Order(1)
    void forgotPasswordMailsALinkThatLeadsToANewPassword() {
        var elsewhere = Browser.signedIn(server, "carol", "carol-password");
        browser.driver().manage().deleteAllCookies();
        browser.go("/signin");
        browser.screenshot("recovery-01-signin");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Forgot your password?")));
        assertEquals("/recovery", browser.path());
        browser.waitForText("h1", "Recover your account");
        browser.screenshot("recovery-02-form");
        fitsPhone("recovery-02-form");

        // the browser's own check would stop a malformed address; sent anyway, the page says what is wrong
        browser.find("#email").sendKeys("carol-at-example");
        browser.scriptAndLoad("HTMLFormElement.prototype.submit.call(document.querySelector('main form'));");
        assertEquals(400, browser.status());
        browser.waitForText("#form-error", "Invalid email address");
        assertEquals("carol-at-example", browser.find("#email").getAttribute("value"));
        browser.screenshot("recovery-03-malformed");

        browser.find("#email").clear();
        browser.find("#email").sendKeys("carol@example.com");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        assertEquals(200, browser.status());
        assertEquals(NEUTRAL, browser.find("#recovery-sent").getText());
        browser.screenshot("recovery-04-sent");
        fitsPhone("recovery-04-sent");

        String link = Recoveries.link(smtp, "carol@example.com");
        browser.driver().get(link);
        assertEquals(RecoveryPages.LANDING, browser.path());
        browser.waitForText("#recovery-notice", "Set a new password");
        assertEquals("carol", browser.find("header .who").getText());
        assertEquals("password", browser.driver().switchTo().activeElement().getAttribute("id"),
                "the new password's field has the focus");
        assertTrue(browser.find("#password-settings").getAttribute("class").contains("highlight"));
        browser.screenshot("recovery-05-set-password");
        fitsPhone("recovery-05-set-password");

        browser.find("#password").sendKeys("carol-new-password");
        browser.find("#repeat").sendKeys("carol-new-password");
        browser.clickAndLoad(browser.find("form.password button"));
        assertEquals("/user/settings?done=password", browser.path());
        browser.waitForText("[role=status]", "Saved.");
        assertTrue(browser.driver().findElements(By.id("recovery-notice")).isEmpty());
        assertEquals(401, elsewhere.get("/api/v1/user/").statusCode(), "carol's other session ended");

        browser.clickAndLoad(browser.find("header form button"));
        browser.go("/signin");
        browser.find("#username").sendKeys("carol");
        browser.find("#password").sendKeys("carol-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Invalid Username or Password");
        browser.find("#password").sendKeys("carol-new-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "Repositories");

        // the link is used up
        browser.driver().manage().deleteAllCookies();
        browser.driver().get(link);
        assertEquals(404, browser.status());
        browser.waitForText("h1", "Invalid recovery code");
        assertEquals(INVALID, browser.find("#recovery-invalid").getText());
        browser.screenshot("recovery-06-used");
        fitsPhone("recovery-06-used");
        assertEquals("/signin", browser.find("header .account a").getAttribute("pathname"), "nobody signed in");
    }

    @Test
    @Order(2)
    void unknownAndOrganizationAddresses() {
        browser.driver().manage().deleteAllCookies();
        browser.go("/recovery");
        browser.find("#email").sendKeys("nobody@example.com");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        assertEquals(NEUTRAL, browser.find("#recovery-sent").getText());

        browser.go("/recovery");
        browser.find("#email").sendKeys("ops@initech.test");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        assertEquals("The e-mail address ops@initech.test is assigned to organization in\u2022\u2022\u2022\u2022h. To "
                + "access that organization, an admin user must be used. An e-mail has been sent to ops@initech.test "
                + "with the full list of admin users.", browser.find("#recovery-org").getText());
        browser.screenshot("recovery-07-organization");
        fitsPhone("recovery-07-organization");
    }

    @Test
    @Order(3)
    void bogusAndExpiredLinksLandOnTheInvalidPage() {
        browser.driver().manage().deleteAllCookies();
        for (String code : List.of("nonsense", "")) {
            browser.go("/recovery?code=" + code);
            assertEquals(404, browser.status(), code);
            assertEquals(INVALID, browser.find("#recovery-invalid").getText());
        }

        browser.go("/recovery");
        browser.find("#email").sendKeys("alice@example.com");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        String link = Recoveries.link(smtp, "alice@example.com");
        db.query("""
                UPDATE password_recovery SET expires_at = now() - interval '1 second'
                WHERE account_id = (SELECT id FROM account WHERE username = 'alice')""", Tuple.tuple());
        browser.driver().get(link);
        assertEquals(404, browser.status());
        assertEquals(INVALID, browser.find("#recovery-invalid").getText());
        browser.screenshot("recovery-08-expired");
    }
}
