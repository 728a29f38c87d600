package io.berth.registry.ui;

import io.berth.registry.testing.Builds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository page's Builds tab (Build History), in headless Chromium. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open("alice");
    }

    @Test
    @Order(1)
    void buildHistoryStartsEmptyAndFilters() {
        signIn("alice");
        browser.go("/new");
        browser.find("#name").sendKeys("app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "alice/app");
        browser.go("/repository/alice/app?tab=builds");
        browser.waitForText("h2", "Build History");
        browser.waitForText("#no-builds", "No builds");
        browser.clickAndLoad(browser.find("#filter-48h"));
        browser.waitForText("#no-builds", "No builds in this period");
        browser.screenshot("builds-01-empty");
    }

    @Test
    @Order(2)
    void aStartedBuildAppearsInBuildHistory() {
        var builds = new Builds(server);
        String token = builds.token("alice");
        String file = builds.drop(token, "FROM scratch\n".getBytes(StandardCharsets.UTF_8));
        String uuid = builds.start(token, "alice/app", new JsonObject().put("file_id", file)
                .put("docker_tags", new JsonArray().add("ui"))).getString("id");
        for (String filter : new String[]{"recent", "48h", "30d"}) {
            browser.go("/repository/alice/app?tab=builds&filter=" + filter);
            browser.waitForText("table.builds code", uuid.substring(0, 8));
            assertEquals("alice", browser.find("table.builds tbody td:nth-child(3)").getText());
            assertEquals("ui", browser.find("table.builds tbody td:nth-child(5)").getText());
            assertTrue(!browser.find("table.builds .phase").getText().isEmpty());
        }
        browser.screenshot("builds-02-history");

        browser.clickAndLoad(browser.find("table.builds a"));
        browser.waitForText("h1", uuid);
        assertTrue(!browser.find("#phase").getText().isEmpty());
        assertTrue(browser.find("#download-logs").isDisplayed());
        // the log holds the phases the worker went through, one line each
        browser.waitForText("#build-log", "Step 1/1 : FROM scratch");
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.cssSelector("#build-log .log-line")).size() > 1);
        browser.screenshot("builds-03-build");
    }
}
