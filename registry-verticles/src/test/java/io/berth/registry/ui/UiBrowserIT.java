package io.berth.registry.ui;

import io.berth.registry.testing.Chromium;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web UI in headless Chromium: first user, sign in/out, explore, repositories, error pages, narrow screens. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open();
    }

    @Test
    @Order(1)
    void firstUserIsCreatedFromTheLandingPageAndBadInputIsShownInline() {
        browser.go("/");
        assertEquals("Berth container registry", browser.find("h1").getText());
        assertTrue(browser.find("header").getText().contains("Sign in"));
        browser.screenshot("01-landing-empty");
        browser.clickAndLoad(browser.find("a[href='/signup']"));
        browser.waitForText("h1", "Create the first user");

        signUp("Not A Name", "admin@example.com", "change-me-please");
        assertTrue(browser.waitForText("#form-error", "Invalid namespace").isDisplayed());
        assertEquals("Not A Name", browser.find("#username").getAttribute("value"), "the form keeps what was typed");
        browser.screenshot("02-signup-invalid");

        signUp("admin", "admin@example.com", "short");
        browser.waitForText("#form-error", "8");

        signUp("admin", "admin@example.com", "change-me-please");
        browser.waitForText("h1", "Repositories");
        assertEquals("/repository", browser.path());
        assertTrue(browser.find(".who").getText().contains("admin"));
        browser.screenshot("03-repositories-empty");
    }

    @Test
    @Order(2)
    void repositoriesListsTheUsersOwnAndExploreOnlyPublicOnes() {
        String token = server.oauthToken("admin");
        var http = new RegistryHttp(server);
        RegistryHttp.ok(http.api("POST", "/repository", token, new JsonObject().put("namespace", "admin")
                .put("repository", "webshop").put("visibility", "public").put("description", "A public web shop")));
        RegistryHttp.ok(http.api("POST", "/repository", token, new JsonObject().put("namespace", "admin")
                .put("repository", "secretproj").put("visibility", "private").put("description", "hidden plans")));

        browser.go("/repository");
        String list = browser.find("table").getText();
        assertTrue(list.contains("admin/webshop") && list.contains("public"), list);
        assertTrue(list.contains("admin/secretproj") && list.contains("private"), list);
        browser.screenshot("04-repositories");

        browser.clickAndLoad(browser.find("header button[type=submit]"));
        browser.waitForText("header", "Sign in");
        assertEquals("/", browser.path());

        browser.go("/explore");
        browser.waitForText("#results", "admin/webshop");
        assertFalse(browser.pageSource().contains("secretproj"), "a signed-out visitor must not see a private name");
        browser.screenshot("05-explore-signed-out");

        browser.find("#q").sendKeys("web shop");
        browser.waitForText("#results", "A public web shop");
        browser.find("#q").sendKeys("zzz");
        browser.waitForText("#results", "No public repository matches");
        browser.screenshot("06-explore-no-match");

        browser.go("/explore?q=hidden");
        browser.waitForText("#results", "No public repository matches");
        assertFalse(browser.pageSource().contains("secretproj"), "searching a private description reveals nothing");
    }

    @Test
    @Order(3)
    void aNonMemberSeesNoPrivateRepositoryAndBadCredentialsAreShownInline() {
        browser.go("/signin");
        browser.find("#username").sendKeys("admin");
        browser.find("#password").sendKeys("wrong-password");
        browser.clickAndLoad(browser.find("form button[type=submit]:not(.link)"));
        assertTrue(browser.waitForText("#form-error", "Invalid").isDisplayed());
        browser.screenshot("07-signin-invalid");

        browser.go("/signup");
        browser.waitForText("h1", "Create account");
        signUp("bob", "bob@example.com", "bob-password-1");
        browser.waitForText("h1", "Repositories");
        assertTrue(browser.pageSource().contains("You cannot read any repository yet"));
        assertFalse(browser.pageSource().contains("secretproj"));
        browser.go("/explore");
        browser.waitForText("#results", "admin/webshop");
        assertFalse(browser.pageSource().contains("secretproj"));
    }

    @Test
    @Order(4)
    void errorPagesSayWhatHappenedAndWhereToGo() {
        browser.go("/no/such/page");
        browser.waitForText("h1", "404");
        assertTrue(browser.find("main").getText().contains("Go to the start page"));
        browser.screenshot("08-not-found");
    }

    @Test
    @Order(5)
    void pagesFitANarrowPhoneScreen() {
        browser.width(390, 844);
        for (String page : new String[] {"/", "/explore", "/signin", "/repository"}) {
            browser.go(page);
            assertTrue(browser.scrollWidth() <= 390, page + " overflows 390 px: " + browser.scrollWidth());
        }
        browser.go("/explore");
        browser.screenshot("09-explore-390px");
        browser.width(1280, 900);
    }

    @Test
    @Order(6)
    void readOnlyRegistryShowsAMaintenanceBanner() {
        try (var readOnly = TestServer.start(Map.of("REGISTRY_STATE", "readonly"));
             var other = Chromium.open(readOnly)) {
            other.go("/");
            assertTrue(other.find(".banner").getText().contains("read-only"));
            other.screenshot("10-landing-read-only");
        }
        browser.go("/");
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.cssSelector(".banner")).isEmpty());
    }

    private static void signUp(String username, String email, String password) {
        browser.find("#username").clear();
        browser.find("#username").sendKeys(username);
        browser.find("#email").clear();
        browser.find("#email").sendKeys(email);
        browser.find("#password").sendKeys(password);
        browser.clickAndLoad(browser.find("form:not(.inline) button[type=submit]"));
    }
}
