package io.berth.registry.ui;

import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static io.berth.registry.ui.AccountPagesIT.assertRefusedInline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code FEATURE_CHANGE_TAG_EXPIRATION} off, User Settings and an organization's Settings show the time-machine
 * window without offering to change it, and a hand-made request to change it is refused next to the page's form.
 */
class TimeMachineDisabledPagesIT extends BrowserTestBase {
    static final String DISABLED = "The administrator has disabled changing the time machine window";
    static RegistryHttp http;
    static String alice;

    @BeforeAll
    static void start() {
        open(Map.of("FEATURE_CHANGE_TAG_EXPIRATION", false), "alice");
        http = new RegistryHttp(server);
        alice = server.oauthToken("alice");
        assertEquals(201, http.api("POST", "/organization/", alice, new JsonObject().put("name", "acme")).statusCode());
    }

    /** Turns the page's form {@code form} into a request for {@code action} with one more field, and sends it. */
    static void forge(String form, String action, String field, String value) {
        browser.scriptAndLoad("""
                const f = document.querySelector(arguments[0]);
                f.querySelector('input[name=action]').value = arguments[1];
                const extra = document.createElement('input');
                extra.type = 'hidden'; extra.name = arguments[2]; extra.value = arguments[3];
                f.appendChild(extra);
                f.requestSubmit();""", form, action, field, value);
    }

    static void assertNoTimeMachineForm(String form, String select) {
        assertTrue(browser.driver().findElements(By.cssSelector(form)).isEmpty(), form + " is not offered");
        assertTrue(browser.driver().findElements(By.cssSelector(select)).isEmpty(), select + " is not offered");
        assertTrue(browser.find("#time-machine-disabled").getText().contains(DISABLED));
    }

    @Test
    void userSettingsShowTheWindowWithoutOfferingToChangeIt() {
        signIn("alice");
        browser.go("/user/settings");
        assertNoTimeMachineForm("form.expiration", "#expiration");
        assertTrue(browser.find("#time-machine-disabled").getText().contains("2 weeks"), "DEFAULT_TAG_EXPIRATION");
        browser.scrollIntoView(browser.find("#time-machine-disabled"));
        browser.screenshot("time-machine-disabled-01-user-settings");

        forge("form.email", "expiration", "expiration", "0");
        assertRefusedInline(DISABLED);
        assertEquals(14 * 86400, RegistryHttp.json(http.api("GET", "/user/", alice, null)).getLong("tag_expiration_s"));
    }

    @Test
    void organizationSettingsShowTheWindowWithoutOfferingToChangeIt() {
        signIn("alice");
        browser.go("/organization/acme?tab=settings");
        assertNoTimeMachineForm("form.time-machine", "#tag-window");
        assertEquals("2 weeks", browser.find("#window-now").getText());
        browser.screenshot("time-machine-disabled-02-organization-settings");

        forge("form.org-email", "time-machine", "seconds", "0");
        assertRefusedInline(DISABLED);
        assertEquals("2 weeks", browser.find("#window-now").getText());
        assertEquals(14 * 86400, RegistryHttp.json(http.api("GET", "/organization/acme", alice, null))
                .getLong("tag_expiration_s"));
    }
}
