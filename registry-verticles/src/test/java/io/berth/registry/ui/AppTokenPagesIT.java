package io.berth.registry.ui;

import io.berth.registry.auth.AppTokenService;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chromium.HasCdp;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user settings tab Docker CLI and other Application Tokens in headless Chromium: a token is created (a bad title
 * refused inline), shown once with its docker login command, which the Copy button copies and which logs in; the list
 * shows when it was last used; it is revoked; the tab fits 390 px; and creating one needs a recent sign-in.
 */
class AppTokenPagesIT extends BrowserTestBase {
    static final String TAB = "Docker CLI and other Application Tokens";
    static RegistryHttp http;

    @BeforeAll
    static void start() {
        open("tokeny", "stale");
        http = new RegistryHttp(server);
    }

    static String currentTab() {
        return browser.find("nav.tabs [aria-current=page]").getText();
    }

    static HttpResponse<String> login(String code) {
        return http.send(http.request("/v2/auth?service=" + server.hostPort(), null)
                .header("Authorization", RegistryHttp.basic(AppTokenService.USERNAME, code)).build());
    }

    static void createToken(String title) {
        browser.find("#apptoken-title").clear();
        browser.find("#apptoken-title").sendKeys(title);
        browser.clickAndLoad(browser.find("form.create-apptoken button"));
    }

    @Test
    void aTokenIsCreatedShownOnceCopiedUsedAndRevoked() {
        signIn("tokeny");
        browser.go("/user/settings");
        browser.clickAndLoad(browser.driver().findElement(By.linkText(TAB)));
        assertEquals(TAB, currentTab());
        browser.waitForText("#no-apptokens", "No application tokens yet.");

        createToken("   ");
        browser.waitForText("#form-error", "Token title must be 1 to 255 characters");
        assertEquals(400, browser.status(), "an inline error answers 400");
        assertEquals(TAB, currentTab());

        createToken("laptop");
        assertEquals(200, browser.status());
        browser.waitForText("#created-token h2", "Token laptop");
        String code = browser.find("#apptoken-code").getAttribute("textContent").trim();
        assertTrue(code.matches("[A-Z0-9]{120}"), code);
        browser.screenshot("apptokens-01-created");

        ((HasCdp) browser.driver()).executeCdpCommand("Browser.grantPermissions", Map.of("origin", server.baseUrl(),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        browser.find("button[data-copy=apptoken-docker-login]").click();
        String copied = (String) ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "navigator.clipboard.readText().then(done, function (e) { done('failed: ' + e); });");
        assertEquals("docker login -u='$app' -p='" + code + "' " + server.hostPort(), copied);
        assertEquals(200, login(code).statusCode(), "the copied credentials log in");

        browser.go("/user/settings?tab=apptokens");
        assertTrue(browser.driver().findElements(By.id("created-token")).isEmpty(), "the token is shown only once");
        assertFalse(browser.pageSource().contains(code));
        var row = browser.find("table.apptokens tbody tr");
        assertTrue(row.getText().startsWith("laptop"), row.getText());
        List<String> cells = row.findElements(By.tagName("td")).stream().map(td -> td.getText()).toList();
        assertNotEquals("Never", cells.get(2), "last accessed: the login just now");
        assertEquals("Never", cells.get(3), "no APP_SPECIFIC_TOKEN_EXPIRATION: it does not expire");
        browser.screenshot("apptokens-02-list");

        browser.width(390, 844);
        assertTrue(browser.scrollWidth() <= 390, "the tab overflows 390 px: " + browser.scrollWidth());
        browser.screenshot("apptokens-03-list-390px");
        createToken("a token with a rather long title for a narrow screen");
        assertTrue(browser.scrollWidth() <= 390, "the new token overflows 390 px: " + browser.scrollWidth());
        browser.screenshot("apptokens-04-created-390px");
        browser.width(1280, 900);

        browser.go("/user/settings?tab=apptokens");
        browser.clickAndLoad(browser.find("button[aria-label='Revoke token laptop']"));
        browser.waitForText(".notice", "Token revoked.");
        assertEquals(TAB, currentTab());
        assertFalse(browser.find("table.apptokens").getText().contains("laptop"), "the token is gone from the list");
        assertEquals(401, login(code).statusCode(), "its code logs in no more");
    }

    @Test
    void creatingATokenNeedsARecentSignIn() {
        signIn("stale");
        browser.go("/user/settings?tab=apptokens");
        new Fixtures(server).query("""
                UPDATE web_session SET fresh_at = now() - interval '11 minutes'
                WHERE account_id = (SELECT id FROM account WHERE username = 'stale')""", Tuple.tuple());
        createToken("ci");
        browser.waitForText("#form-error", "it needs a recent sign-in");
        assertEquals(400, browser.status());
        assertTrue(browser.driver().findElements(By.id("created-token")).isEmpty());
        browser.waitForText("#no-apptokens", "No application tokens yet.");
    }
}
