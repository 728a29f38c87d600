package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Crawler;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
 * its own. A screenshot of each page at both widths lands in {@code target/screenshots/every-*}. Then every kind of
 * form on those pages is sent with bad input and with empty fields: each answer is a page, never a server error, and a
 * refusal is said inline next to the form.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EveryPageIT extends BrowserTestBase {
    private static final int MAX_PAGES = 150;
    private static final String BAD = "Bad <Name>/!";

    /**
     * The post forms of the page a person can type into or choose in (button-only forms, such as Sign out or Delete
     * Tag, take no input), by index in {@code document.forms}, each with a key naming its kind: where it posts, its
     * action and its field names; the gear menus of 50 tags are one kind.
     */
    private static final String FORMS = """
            const out = [];
            Array.from(document.forms).forEach((form, i) => {
              if ((form.getAttribute('method') || '').toLowerCase() !== 'post' || form.getAttribute('enctype') === 'multipart/form-data') return;
              const editable = Array.from(form.elements).filter(el => !el.disabled && (el.tagName === 'SELECT'
                || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['hidden', 'submit', 'button', 'checkbox', 'radio'].includes(el.type))));
              if (editable.length === 0) return;
              const action = form.elements.namedItem('action');
              out.push([i, (form.getAttribute('action') || location.pathname) + ' ' + (action && action.value ? action.value : '') + ' '
                + editable.map(el => el.name).join(',')]);
            });
            return out;""";

    /** Fills the form's inputs with bad values (or empties them), forges a choice no select offers, and sends it. */
    private static final String SEND_BAD = """
            const form = document.forms[arguments[0]], bad = arguments[1];
            for (const el of form.elements) {
              if (el.disabled) continue;
              if (el.tagName === 'SELECT') {
                const forged = new Option('forged', bad ? 'no-such-choice' : '');
                el.add(forged);
                el.value = forged.value;
              } else if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['hidden', 'submit', 'button', 'checkbox', 'radio'].includes(el.type))) {
                el.value = !bad || el.type === 'password' ? '' : el.type === 'number' ? '-1'
                  : el.type === 'datetime-local' ? '2001-01-01T00:00' : el.type === 'date' ? '2001-01-01' : arguments[2];
              }
            }
            HTMLFormElement.prototype.submit.call(form);""";
    private static Map<String, java.net.http.HttpResponse<String>> pages;

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
        pages = Crawler.crawl(Browser.signedIn(server, "olivia", "olivia-password"),
                List.of("/", "/repository", "/explore", "/new", "/organizations/new", "/organization/acme", "/user/settings",
                        "/superuser", "/repository/acme/web", "/repository/olivia/tools", "/no-such-page",
                        "/confirminvite?code=used-or-unknown"), MAX_PAGES);
    }

    @Test
    @Order(1)
    void everyPageFitsBothWidthsAndLabelsEveryControl() {
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

    @Test
    @Order(2)
    void everyFormRefusesBadInputInlineAndNeverFails() {
        var problems = new ArrayList<String>();
        var tried = new java.util.HashSet<String>();
        int refusedInline = 0;
        var js = (JavascriptExecutor) browser.driver();
        for (var page : pages.entrySet()) {
            if (!Crawler.html(page.getValue()) || page.getValue().statusCode() != 200) continue;
            browser.go(page.getKey());
            @SuppressWarnings("unchecked")
            var forms = (List<List<Object>>) js.executeScript(FORMS);
            for (var form : forms) {
                if (!tried.add((String) form.get(1))) continue;
                for (boolean bad : new boolean[]{true, false}) {
                    String what = page.getKey() + " form " + form.get(1) + (bad ? " with bad input" : " left empty");
                    browser.go(page.getKey());
                    browser.scriptAndLoad(SEND_BAD, form.get(0), bad, BAD);
                    long status = browser.status();
                    var alerts = browser.driver().findElements(org.openqa.selenium.By.cssSelector("[role=alert]"));
                    boolean saidInline = alerts.stream().anyMatch(a -> a.isDisplayed() && !a.getText().isBlank());
                    if (status == 400 && saidInline) refusedInline++;
                    else if (status == 400) problems.add(what + ": 400 without an inline message");
                    else if (status != 200) problems.add(what + ": answered " + status + " " + browser.find("h1").getText());
                    if (browser.driver().findElements(org.openqa.selenium.By.cssSelector("h1")).size() != 1) {
                        problems.add(what + ": the answer is not a page with one h1");
                    }
                    if (!browser.find("header").getText().contains("olivia")) {
                        problems.add(what + ": signed olivia out");
                        signIn("olivia");
                    }
                }
            }
        }
        assertTrue(tried.size() > 20, "form kinds tried: " + tried);
        assertTrue(refusedInline > 20, refusedInline + " refusals inline of " + tried.size() + " kinds");
        assertEquals(List.of(), problems);
    }
}
