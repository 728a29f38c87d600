package io.berth.registry.ui;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** User settings in headless Chromium: e-mail, password and deleting the account, each with bad input refused inline. */
class AccountPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open("carol");
    }

    @Test
    void changeEmailAndPasswordThenDeleteTheAccount() {
        signIn("carol");
        browser.clickAndLoad(browser.find("a.who"));
        browser.waitForText("h1", "Account settings");
        assertEquals("carol@example.com", browser.find("#email").getAttribute("value"));

        browser.find("#email").clear();
        browser.find("#email").sendKeys("carol@new.example.com");
        browser.clickAndLoad(browser.find("form.email button"));
        browser.waitForText(".notice", "Saved");
        assertEquals("carol@new.example.com", browser.find("#email").getAttribute("value"));

        changePassword("carol-new-password", "carol-other-password");
        browser.waitForText("#form-error", "The two passwords differ.");
        changePassword("short", "short");
        browser.waitForText("#form-error", "8");
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
        browser.waitForText("#form-error", "Type your username carol exactly");
        browser.find("#confirm").sendKeys("carol");
        browser.clickAndLoad(browser.find("form.delete button"));
        browser.waitForText("h1", "Berth container registry");
        browser.go("/signin");
        browser.find("#username").sendKeys("carol");
        browser.find("#password").sendKeys("carol-new-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Invalid");
    }

    private static void changePassword(String password, String repeat) {
        browser.find("#password").sendKeys(password);
        browser.find("#repeat").sendKeys(repeat);
        browser.clickAndLoad(browser.find("form.password button"));
    }
}
