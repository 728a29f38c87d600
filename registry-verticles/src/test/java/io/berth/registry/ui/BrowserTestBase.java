package io.berth.registry.ui;

import io.berth.registry.testing.Chromium;
import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/** One Berth node and one headless Chromium for a browser test class, with the users it names already signed up. */
abstract class BrowserTestBase {
    static TestServer server;
    static Chromium browser;

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

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
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
