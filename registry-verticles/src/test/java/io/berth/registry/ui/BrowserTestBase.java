package io.berth.registry.ui;

import com.icegreen.greenmail.util.GreenMail;
import io.berth.registry.testing.Chromium;
import io.berth.registry.testing.Mails;
import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** One Berth node and one headless Chromium for a browser test class, with the users it names already signed up. */
abstract class BrowserTestBase {
    static TestServer server;
    static Chromium browser;
    /** The SMTP server Berth mails to, for classes opened with {@link #openWithMail}. */
    static GreenMail smtp;

    /** Starts the node and the browser; each {@code users} entry is a name whose password is name + "-password". */
    static void open(String... users) {
        open(Map.of(), users);
    }

    /** The same with extra config.yaml keys. */
    static void open(Map<String, Object> config, String... users) {
        server = TestServer.start(config);
        browser = Chromium.open(server);
        for (String user : users) server.createUser(user, user + "-password");
    }

    /** The same with mailing on: Berth sends its mail (invitations, say) to {@link #smtp}, a GreenMail on loopback. */
    static void openWithMail(Map<String, Object> config, String... users) throws IOException {
        smtp = Mails.smtp();
        var withMail = new HashMap<>(config);
        withMail.putAll(Mails.config(smtp));
        open(withMail, users);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
        if (smtp != null) smtp.stop();
    }

    /** The page shown fits a 390 px wide phone screen (checked there, with a screenshot, then back at 1280 px). */
    static void fitsPhone(String screenshot) {
        browser.width(390, 844);
        try {
            assertTrue(browser.scrollWidth() <= 390, browser.path() + " overflows 390 px: " + browser.scrollWidth());
            browser.screenshot(screenshot + "-390px");
        } finally {
            browser.width(1280, 900);
        }
    }

    /** Signs in through the sign-in page, as a fresh browser would, and lands on Repositories. */
    static void signIn(String user) {
        browser.driver().manage().deleteAllCookies();
        browser.go("/signin");
        browser.find("#username").sendKeys(user);
        browser.find("#password").sendKeys(user + "-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "Repositories");
    }
}
