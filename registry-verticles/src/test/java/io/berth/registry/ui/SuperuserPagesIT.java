package io.berth.registry.ui;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The superuser panel in headless Chromium: only for SUPER_USERS; create, disable and delete users. */
class SuperuserPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open(Map.of("SUPER_USERS", List.of("root")), "root", "dave");
    }

    @Test
    void superusersManageUsersAndOthersSeeNoPanel() {
        signIn("dave");
        assertFalse(browser.find("header").getText().contains("Superuser panel"));
        browser.go("/superuser");
        browser.waitForText("h1", "404");

        signIn("root");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Superuser panel")));
        browser.waitForText("h1", "Superuser panel");
        assertTrue(browser.find("table.users").getText().contains("dave"));

        browser.find("#new-username").sendKeys("Bad User");
        browser.clickAndLoad(browser.find("form.create-user button"));
        browser.waitForText("#form-error", "Invalid namespace");
        browser.find("#new-username").sendKeys("erin");
        browser.find("#new-email").sendKeys("erin@example.com");
        browser.clickAndLoad(browser.find("form.create-user button"));
        assertTrue(browser.waitForText("#created", "User erin was created").getText().contains("shown only once"));
        browser.screenshot("superuser-01-created");

        browser.clickAndLoad(browser.driver().findElement(By.xpath("//button[normalize-space()='Disable dave']")));
        browser.waitForText("table.users", "disabled");
        browser.clickAndLoad(browser.driver().findElement(By.xpath("//button[normalize-space()='Delete erin']")));
        browser.waitForText("h1", "Superuser panel");
        assertFalse(browser.find("table.users").getText().contains("erin"));
    }
}
