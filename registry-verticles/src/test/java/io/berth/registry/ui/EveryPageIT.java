package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Crawler;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page a superuser who owns an organization reaches by links, in Chromium at 1280 px and at 390 px: nothing
 * overflows sideways, every form control has a label, each page has one {@code h1}, and nothing takes a tab order of
 * its own. A screenshot of each page at both widths lands in {@code target/screenshots/every-*}.
 */
class EveryPageIT extends BrowserTestBase {
    private static final int MAX_PAGES = 150;

    /** What is wrong with the page in the window, by rule; empty when nothing is. */
    private static final String PROBLEMS = """
            const problems = [];
            if (document.documentElement.scrollWidth > window.innerWidth + 1)
              problems.push('overflows: ' + document.documentElement.scrollWidth + ' px wide in ' + window.innerWidth);
            for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')) {
              if (el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
                problems.push('no label: ' + el.outerHTML.slice(0, 120));
            }
            const h1 = document.querySelectorAll('h1').length;
            if (h1 !== 1) problems.push(h1 + ' h1 elements');
            for (const el of document.querySelectorAll('[tabindex]'))
              if (Number(el.getAttribute('tabindex')) > 0) problems.push('positive tabindex: ' + el.outerHTML.slice(0, 120));
            if (!document.documentElement.lang) problems.push('no lang on <html>');
            return problems;""";

    @BeforeAll
    static void start() {
        open(Map.of("SUPER_USERS", List.of("olivia")), "olivia", "mallory");
        var http = new RegistryHttp(server);
        String olivia = server.oauthToken("olivia");
        ok(http.api("POST", "/organization/", olivia, new JsonObject().put("name", "acme")));
        ok(http.api("POST", "/repository", olivia, new JsonObject().put("namespace", "acme").put("repository", "web")
                .put("visibility", "public").put("description", "The **web** front end")));
        Images.pushTagged(server, "olivia", "acme/web", List.of("v1", "latest"));
        Images.pushTagged(server, "olivia", "olivia/tools", List.of("1.0"));
        ok(http.api("PUT", "/organization/acme/robots/deployer", olivia, new JsonObject().put("description", "deploys")));
        ok(http.api("PUT", "/repository/acme/web/permissions/user/acme+deployer", olivia, new JsonObject().put("role", "write")));
        ok(http.api("PUT", "/organization/acme/team/devs", olivia, new JsonObject().put("role", "creator")));
        ok(http.api("PUT", "/organization/acme/team/devs/members/mallory", olivia, new JsonObject()));
        ok(http.api("PUT", "/repository/acme/web/permissions/team/devs", olivia, new JsonObject().put("role", "read")));
        signIn("olivia");
    }

    @Test
    void everyPageFitsBothWidthsAndLabelsEveryControl() {
        var pages = Crawler.crawl(Browser.signedIn(server, "olivia", "olivia-password"),
                List.of("/", "/repository", "/explore", "/new", "/organizations/new", "/organization/acme", "/user/settings",
                        "/superuser", "/repository/acme/web", "/repository/olivia/tools", "/no-such-page",
                        "/confirminvite?code=used-or-unknown"), MAX_PAGES);
        var problems = new ArrayList<String>();
        int checked = 0;
        for (var page : pages.entrySet()) {
            if (!Crawler.html(page.getValue())) continue;
            checked++;
            for (int width : new int[]{1280, 390}) {
                browser.width(width, 900);
                browser.go(page.getKey());
                @SuppressWarnings("unchecked")
                var found = (List<String>) ((JavascriptExecutor) browser.driver()).executeScript(PROBLEMS);
                found.forEach(p -> problems.add(page.getKey() + " at " + width + " px: " + p));
                browser.screenshot("every-" + page.getKey().replaceAll("[^A-Za-z0-9]+", "-") + "-" + width);
            }
        }
        browser.width(1280, 900);
        assertTrue(checked > 20, "the crawl reached " + pages.keySet());
        assertEquals(List.of(), problems);
    }
}
