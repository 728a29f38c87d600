package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Crawler;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Private things stay out of sight: a signed-out visitor, an outsider and an organization member without access crawl
 * every UI page they can reach by links from the start pages (plus guessed addresses of the private pages), and no page
 * names a private repository or robot. A guessed private repository answers exactly like a missing one.
 */
class PrivacyIT {
    /** Names that only olivia (and members of the team granted access) may see. */
    private static final List<String> SECRETS = List.of("secret-plans-repo", "secret-diary", "deployer-bot");
    private static final int MAX_PAGES = 400;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.createUser("olivia", "olivia-password");
        server.createUser("eve", "eve-password");
        server.createUser("mallory", "mallory-password");
        var http = new RegistryHttp(server);
        String olivia = server.oauthToken("olivia");
        ok(http.api("POST", "/organization/", olivia, new JsonObject().put("name", "hidden-org")));
        for (var repo : List.of(List.of("hidden-org", "secret-plans-repo", "private"), List.of("hidden-org", "open-house", "public"),
                List.of("olivia", "secret-diary", "private"))) {
            ok(http.api("POST", "/repository", olivia, new JsonObject().put("namespace", repo.get(0))
                    .put("repository", repo.get(1)).put("visibility", repo.get(2)).put("description", "about " + repo.get(1))));
        }
        Images.pushTagged(server, "olivia", "hidden-org/secret-plans-repo", List.of("v1", "v2"));
        Images.pushTagged(server, "olivia", "hidden-org/open-house", List.of("latest"));
        ok(http.api("PUT", "/organization/hidden-org/robots/deployer-bot", olivia, new JsonObject().put("description", "deploys")));
        ok(http.api("PUT", "/repository/hidden-org/open-house/permissions/user/hidden-org+deployer-bot", olivia,
                new JsonObject().put("role", "write")));
        ok(http.api("PUT", "/organization/hidden-org/team/bystanders", olivia, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/hidden-org/team/bystanders/members/mallory", olivia, new JsonObject()));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void aSignedOutVisitorSeesNoPrivateName() {
        crawl("signed out", new Browser(server));
    }

    @Test
    void anOutsiderSeesNoPrivateName() {
        crawl("eve", Browser.signedIn(server, "eve", "eve-password"));
    }

    @Test
    void anOrganizationMemberWithoutAccessSeesNoPrivateName() {
        crawl("mallory", Browser.signedIn(server, "mallory", "mallory-password"));
    }

    @Test
    void theOwnerSeesThemSoTheCrawlWouldNoticeALeak() {
        var pages = crawl(Browser.signedIn(server, "olivia", "olivia-password"));
        for (String secret : SECRETS) {
            assertTrue(pages.values().stream().anyMatch(body -> body.contains(secret)), secret + " is on some page olivia reaches");
        }
    }

    /** Crawls as {@code who} and fails on any page that names a secret, or a guessed private page that differs from a missing one. */
    private static void crawl(String who, Browser browser) {
        var pages = crawl(browser);
        assertTrue(pages.size() > 5, who + " reached " + pages.keySet());
        pages.forEach((path, body) -> {
            for (String secret : SECRETS) {
                if (body.toLowerCase(Locale.ROOT).contains(secret)) fail(who + " sees " + secret + " on " + path);
            }
        });
        for (String tab : List.of("", "?tab=tags", "?tab=history", "?tab=settings", "?tab=builds", "?tab=logs")) {
            var hidden = browser.get("/repository/hidden-org/secret-plans-repo" + tab);
            var missing = browser.get("/repository/hidden-org/no-such-repo" + tab);
            assertEquals(404, hidden.statusCode(), who + ": " + tab);
            assertEquals(missing.body(), hidden.body(), who + ": a private repository looks like a missing one " + tab);
        }
    }

    /** Every page reachable by GET links from the start pages and the guessed private addresses: path → body. */
    private static Map<String, String> crawl(Browser browser) {
        var pages = new LinkedHashMap<String, String>();
        Crawler.crawl(browser, List.of("/", "/explore", "/explore?q=secret", "/repository", "/new", "/user/settings",
                "/user/logs", "/organization/hidden-org", "/organization/hidden-org/logs",
                "/organization/hidden-org/teams/owners", "/organization/hidden-org/teams/bystanders",
                "/organization/hidden-org/robots/deployer-bot", "/repository/hidden-org/open-house",
                "/repository/hidden-org/open-house?tab=settings", "/repository/hidden-org/open-house?tab=logs",
                "/repository/olivia/secret-diary", "/repository/hidden-org/secret-plans-repo?tab=tags"), MAX_PAGES)
                .forEach((path, response) -> pages.put(path, response.body()));
        return pages;
    }
}
