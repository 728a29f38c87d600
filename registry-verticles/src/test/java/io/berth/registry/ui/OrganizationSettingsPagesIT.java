package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Invitations;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static io.berth.registry.ui.OrganizationPagesIT.setOptionValue;
import static io.berth.registry.ui.UiSteps.typeEntity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The organization page's admin tabs in headless Chromium: pending invitations on a team's page (mailing on, through
 * GreenMail; invite, cancel), Default Permissions, Applications with Generate Token, and Settings (e-mail, time
 * machine, delete).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrganizationSettingsPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() throws Exception {
        openWithMail(Map.of("TAG_EXPIRATION_OPTIONS", java.util.List.of("0s", "1d", "1w", "2w")),
                "alice", "carol", "dave", "eve");
    }

    @Test
    @Order(1)
    void aTeamPageShowsPendingInvitations() {
        signIn("alice");
        browser.go("/organizations/new");
        browser.find("#name").sendKeys("globex");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.go("/organization/globex?tab=robots");
        browser.find("#robot-name").sendKeys("deployer");
        browser.clickAndLoad(browser.find("form.create-robot button"));
        browser.go("/organization/globex?tab=teams");
        browser.find("#team-name").sendKeys("devs");
        browser.clickAndLoad(browser.find("form.create-team button"));
        browser.waitForText("h1", "Team devs");

        invite("carol");
        assertTrue(browser.find("ul.invites").getText().contains("carol"), "carol is invited, not yet a member");
        assertTrue(browser.driver().findElements(By.cssSelector("ul.members")).isEmpty());
        assertTrue(smtp.waitForIncomingEmail(30_000, 1), "the invitation is mailed");

        typeEntity("#member", "globex+deployer");
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("ul.members", "globex+deployer");
        assertTrue(browser.find("ul.members").getText().contains("(robot)"));
        browser.screenshot("org-settings-01-invitations");
    }

    @Test
    @Order(2)
    void adminsCancelPendingInvitations() {
        String page = "/organization/globex/teams/devs";
        assertEquals("Add a user or robot, or invite an e-mail address", browser.find("label[for=member]").getText());
        invite("dave");
        invite("newcomer@example.org");
        assertEquals(List.of("carol", "dave", "newcomer@example.org"), invitations());
        assertEquals(List.of("globex+deployer", "carol*", "dave*", "newcomer@example.org*"), teamMembers());
        browser.screenshot("org-settings-01b-pending-invitations");
        browser.width(390, 844);
        try {
            browser.go(page);
            assertTrue(browser.scrollWidth() <= 390, "the team page overflows 390 px: " + browser.scrollWidth());
            browser.screenshot("org-settings-01b-pending-invitations-390px");
        } finally {
            browser.width(1280, 900);
        }

        var http = new RegistryHttp(server);
        ok(http.api("PUT", "/teaminvite/" + Invitations.code(smtp, "dave@example.com"), server.oauthToken("dave"),
                null));
        assertEquals(404, http.api("DELETE", "/organization/globex/team/devs/invite/dave", server.oauthToken("alice"),
                null).statusCode(), "an accepted invitation is no longer there to cancel");
        String newcomerCode = Invitations.code(smtp, "newcomer@example.org");
        String carolCode = Invitations.code(smtp, "carol@example.com");

        // dave is a member but no admin: he sees no invitations, and his own forged cancel looks like a missing page
        signIn("dave");
        browser.go(page);
        browser.waitForText("ul.members", "dave");
        assertTrue(browser.driver().findElements(By.cssSelector("ul.invites, form.cancel-invite")).isEmpty());
        var dave = Browser.signedIn(server, "dave", "dave-password");
        assertEquals(404, dave.postForm(page, Map.of("_csrf_token", dave.csrfToken(), "action", "cancel-invite",
                "invitee", "carol")).statusCode());
        var eve = Browser.signedIn(server, "eve", "eve-password");
        assertEquals(404, eve.postForm(page, Map.of("_csrf_token", eve.csrfToken(), "action", "cancel-invite",
                "invitee", "carol")).statusCode());
        assertEquals(List.of("dave", "globex+deployer", "carol*", "newcomer@example.org*"), teamMembers());

        signIn("alice");
        browser.go(page);
        browser.clickAndLoad(cancel("newcomer@example.org"));
        browser.waitForText("#notice", "Invitation cancelled");
        assertEquals(List.of("carol"), invitations());
        assertEquals(List.of("dave", "globex+deployer", "carol*"), teamMembers());
        assertEquals(404, http.api("PUT", "/teaminvite/" + newcomerCode, server.oauthToken("eve"), null).statusCode(),
                "a cancelled invitation cannot be accepted");

        // a list gone stale (the invitation was cancelled elsewhere) says so next to the button
        ok(http.api("DELETE", "/organization/globex/team/devs/invite/carol", server.oauthToken("alice"), null));
        browser.clickAndLoad(cancel("carol"));
        browser.waitForText("#form-error", "carol has no pending invitation to team devs: it was accepted");
        assertEquals(400, browser.status());
        browser.screenshot("org-settings-01c-stale-invitation");
        assertEquals(404, http.api("PUT", "/teaminvite/" + carolCode, server.oauthToken("carol"), null).statusCode());

        invite("carol");
        browser.clickAndLoad(cancel("carol"));
        browser.waitForText("#notice", "Invitation cancelled");
        assertTrue(browser.driver().findElements(By.cssSelector("ul.invites")).isEmpty());
        assertEquals(List.of("dave", "globex+deployer"), teamMembers());
        assertEquals(404, http.api("PUT", "/teaminvite/" + Invitations.code(smtp, "carol@example.com"),
                server.oauthToken("carol"), null).statusCode(), "carol's new invitation is gone too");

        Poll.until(Duration.ofSeconds(10), "the cancellations are logged", () -> withdrawals().equals(List.of(
                "user=carol", "user=carol", "email=newcomer@example.org")));
    }

    /** Adds someone to the team through its page, expecting an invitation. */
    private static void invite(String who) {
        typeEntity("#member", who);
        browser.clickAndLoad(browser.find("form.add-member button"));
        browser.waitForText("#notice", "Invitation sent");
    }

    /** The pending invitations the team page lists. */
    private static List<String> invitations() {
        return browser.driver().findElements(By.cssSelector("ul.invites > li")).stream()
                .map(li -> li.getText().replace("Cancel invitation", "").strip()).toList();
    }

    private static org.openqa.selenium.WebElement cancel(String invitee) {
        return browser.find("form.cancel-invite button[aria-label='Cancel the invitation of " + invitee + "']");
    }

    private static List<String> teamMembers() {
        return Invitations.members(server, "globex", "devs", "alice");
    }

    /** The invitees of globex's org_delete_team_member_invite log entries, newest first. */
    private static List<String> withdrawals() {
        var logs = RegistryHttp.json(RegistryHttp.ok(new RegistryHttp(server).api("GET", "/organization/globex/logs",
                server.oauthToken("alice"), null)));
        return logs.getJsonArray("logs").stream().map(o -> (JsonObject) o)
                .filter(l -> l.getString("kind").equals("org_delete_team_member_invite"))
                .map(l -> l.getJsonObject("metadata"))
                .map(m -> m.containsKey("email") ? "email=" + m.getString("email") : "user=" + m.getString("user"))
                .toList();
    }

    @Test
    @Order(3)
    void defaultPermissionsAreCreatedChangedAndDeleted() {
        browser.go("/organization/globex?tab=defaults");
        browser.waitForText("#no-prototypes", "No default permissions");
        assertEquals("Usage Logs", browser.find(".tabs a[href='/organization/globex/logs']").getText(),
                "the tab bar links to the usage logs");
        for (String input : new String[] {"#prototype-activating", "#prototype-delegate"}) {
            assertNotNull(browser.find(input).getDomAttribute("data-entity-picker"), input);
            assertEquals("globex", browser.find(input).getDomAttribute("data-namespace"), input);
        }

        browser.clickAndLoad(browser.find("form.create-prototype button[type=submit]"));
        browser.waitForText("#form-error", "Name the user, robot or team");
        assertEquals(400, browser.status());
        browser.find("#prototype-delegate").sendKeys("ghost");
        browser.clickAndLoad(browser.find("form.create-prototype button[type=submit]"));
        browser.waitForText("#form-error", "Missing delegate user or team");
        assertEquals("ghost", browser.find("#prototype-delegate").getDomProperty("value"), "the form keeps what was typed");

        browser.find("#prototype-delegate").clear();
        new Select(browser.find("#prototype-kind")).selectByVisibleText("Team");
        browser.find("#prototype-delegate").sendKeys("devs");
        new Select(browser.find("#prototype-role")).selectByVisibleText("Write");
        browser.clickAndLoad(browser.find("form.create-prototype button[type=submit]"));
        browser.waitForText("#notice", "Saved");
        String row = browser.find("table.prototypes tbody tr").getText();
        assertTrue(row.contains("Anyone") && row.contains("devs") && row.contains("team"), row);

        browser.find("#applies-creator").click();
        browser.find("#prototype-delegate").sendKeys("globex+deployer");
        browser.clickAndLoad(browser.find("form.create-prototype button[type=submit]"));
        browser.waitForText("#form-error", "Name the user or robot whose new repositories");
        browser.find("#prototype-activating").sendKeys("carol");
        browser.clickAndLoad(browser.find("form.create-prototype button[type=submit]"));
        browser.waitForText("#notice", "Saved");
        String table = browser.find("table.prototypes").getText();
        assertTrue(table.contains("carol") && table.contains("globex+deployer") && table.contains("robot"), table);
        browser.screenshot("org-settings-02-default-permissions");

        // new repositories of anyone get the first one: devs may write
        browser.go("/new");
        new Select(browser.find("#namespace")).selectByVisibleText("globex");
        browser.find("#name").sendKeys("svc");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.go("/repository/globex/svc?tab=settings");
        String perms = browser.find("table.perms").getText();
        assertTrue(perms.contains("devs"), perms);
        assertFalse(perms.contains("globex+deployer"), "that one applies to carol's repositories only");

        browser.go("/organization/globex?tab=defaults");
        new Select(browser.find("#prototype-role-0")).selectByVisibleText("Admin");
        browser.clickAndLoad(browser.find("#prototype-role-0 ~ button"));
        browser.waitForText("#notice", "Saved");
        assertEquals("admin", new Select(browser.find("#prototype-role-0")).getFirstSelectedOption().getDomProperty("value"));
        setOptionValue("#prototype-role-0", "owner");
        browser.clickAndLoad(browser.find("#prototype-role-0 ~ button"));
        browser.waitForText("#form-error", "Invalid role owner");
        assertEquals(400, browser.status());

        browser.clickAndLoad(browser.find("form.delete-prototype button"));
        browser.waitForText("#notice", "Default permission deleted");
        assertEquals(1, browser.driver().findElements(By.cssSelector("table.prototypes tbody tr")).size());
    }

    @Test
    @Order(4)
    void applicationsAreCreatedEditedAndDeleted() {
        browser.go("/organization/globex?tab=applications");
        browser.waitForText("#no-applications", "No OAuth applications");
        browser.find("#app-name").sendKeys("Deploy bot");
        browser.find("#app-redirect").sendKeys("ftp://example.com/cb");
        browser.clickAndLoad(browser.find("form.create-application button"));
        browser.waitForText("#form-error", "Invalid redirect_uri");
        assertEquals(400, browser.status());
        assertEquals("Deploy bot", browser.find("#app-name").getDomProperty("value"));

        browser.find("#app-redirect").clear();
        browser.find("#app-redirect").sendKeys("https://deploy.example.com/callback");
        browser.find("#app-uri").sendKeys("https://deploy.example.com");
        browser.find("#app-description").sendKeys("Deploys things");
        browser.find("#app-avatar").sendKeys("bot@example.com");
        browser.clickAndLoad(browser.find("form.create-application button"));
        browser.waitForText("h1", "Deploy bot");
        String clientId = browser.find("#client-id").getText();
        String secret = browser.find("#client-secret").getText();
        assertEquals(20, clientId.length(), clientId);
        assertEquals(40, secret.length(), secret);
        assertEquals("https://deploy.example.com/callback", browser.find("#app-redirect").getDomProperty("value"));
        assertEquals("bot@example.com", browser.find("#app-avatar").getDomProperty("value"));

        browser.find("#app-description").clear();
        browser.find("#app-description").sendKeys("Deploys everything");
        browser.find("#app-avatar").clear();
        browser.find("#app-avatar").sendKeys("not-an-address");
        browser.clickAndLoad(browser.find("form.application-settings button"));
        browser.waitForText("#form-error", "Invalid avatar_email");
        assertEquals(400, browser.status());
        assertEquals("Deploys everything", browser.find("#app-description").getDomProperty("value"));
        browser.find("#app-avatar").clear();
        browser.clickAndLoad(browser.find("form.application-settings button"));
        browser.waitForText("#notice", "Saved");
        assertEquals("Deploys everything", browser.find("#app-description").getDomProperty("value"));

        browser.driver().findElement(By.xpath("//summary[text()='Reset Client Secret']")).click();
        browser.clickAndLoad(browser.find("form.reset-secret button"));
        browser.waitForText("#notice", "new client secret");
        assertNotEquals(secret, browser.find("#client-secret").getText());
        assertEquals(clientId, browser.find("#client-id").getText());

        browser.go("/organization/globex?tab=applications");
        assertTrue(browser.find("table.applications").getText().contains("Deploy bot"));
    }

    @Test
    @Order(5)
    void generateTokenShowsATokenThatWorksOnce() {
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Deploy bot")));
        assertTrue(browser.driver().findElements(By.cssSelector("#scope-super-user")).isEmpty(),
                "super:user is for superusers");
        browser.clickAndLoad(browser.find("form.generate-token button"));
        browser.waitForText("#form-error", "Choose at least one scope");
        assertEquals(400, browser.status());

        browser.find("#scope-repo-read").click();
        browser.find("#scope-user-read").click();
        browser.clickAndLoad(browser.find("form.generate-token button"));
        String token = browser.waitForText("#access-token", "").getText();
        assertEquals(40, token.length(), token);
        assertTrue(browser.find(".token-once").getText().contains("repo:read user:read"));
        assertNotNull(browser.find("button[data-copy=access-token]"));
        browser.screenshot("org-settings-03-generated-token");

        var http = new RegistryHttp(server);
        var me = RegistryHttp.json(RegistryHttp.ok(http.api("GET", "/user/", token, null)));
        assertEquals("alice", me.getString("username"));
        assertEquals(403, http.api("GET", "/organization/globex/applications", token, null).statusCode(),
                "the token holds only the scopes chosen");

        browser.go(browser.path());
        assertTrue(browser.driver().findElements(By.id("access-token")).isEmpty(), "the token is shown once");
    }

    @Test
    @Order(6)
    void settingsChangeTheEmailAndTheTimeMachine() {
        browser.go("/organization/globex?tab=settings");
        browser.find("#org-email").clear();
        browser.clickAndLoad(browser.find("form.org-email button"));
        browser.waitForText("#form-error", "Invalid email address");
        assertEquals(400, browser.status());
        browser.find("#org-email").sendKeys("ops@globex.example");
        browser.clickAndLoad(browser.find("form.org-email button"));
        browser.waitForText("#notice", "Saved");
        assertEquals("ops@globex.example", browser.find("#org-email").getDomProperty("value"));

        assertEquals("2 weeks", browser.find("#window-now").getText());
        assertEquals(java.util.List.of("0 seconds", "1 day", "1 week", "2 weeks"), new Select(browser.find("#tag-window"))
                .getOptions().stream().map(o -> o.getText()).toList());
        new Select(browser.find("#tag-window")).selectByVisibleText("1 week");
        browser.clickAndLoad(browser.find("form.time-machine button"));
        browser.waitForText("#window-now", "1 week");
        var http = new RegistryHttp(server);
        var view = RegistryHttp.json(http.api("GET", "/organization/globex", server.oauthToken("alice"), null));
        assertEquals(7 * 86400, view.getLong("tag_expiration_s"));

        setOptionValue("#tag-window", "12345");
        browser.clickAndLoad(browser.find("form.time-machine button"));
        browser.waitForText("#form-error", "Invalid tag expiration option");
        assertEquals(400, browser.status());
        assertEquals("1 week", browser.find("#window-now").getText());
        assertTrue(browser.driver().findElements(By.id("notice")).isEmpty(), "a rejected form is not \"Saved.\"");
        browser.screenshot("org-settings-04-settings");
    }

    @Test
    @Order(7)
    void outsidersSeeNoneOfIt() {
        signIn("eve");
        for (String page : new String[] {"/organization/globex?tab=defaults", "/organization/globex?tab=applications",
                "/organization/globex?tab=settings", "/organization/globex/teams/devs"}) {
            browser.go(page);
            browser.waitForText("h1", "404");
            assertFalse(browser.pageSource().contains("Deploy bot"), page);
        }
        signIn("alice");
        browser.go("/organization/globex?tab=applications");
        String client = browser.driver().findElement(By.linkText("Deploy bot")).getDomAttribute("href");
        signIn("eve");
        browser.go(client);
        browser.waitForText("h1", "404");
        assertFalse(browser.pageSource().contains("client-secret"));
    }

    @Test
    @Order(8)
    void pagesFitAPhoneScreen() {
        signIn("alice");
        browser.width(390, 844);
        try {
            for (String tab : new String[] {"repos", "teams", "robots", "defaults", "applications", "settings"}) {
                browser.go("/organization/globex?tab=" + tab);
                assertTrue(browser.scrollWidth() <= 390, tab + " overflows 390 px: " + browser.scrollWidth());
            }
            browser.go("/organization/globex?tab=defaults");
            browser.screenshot("org-settings-05-default-permissions-390px");
        } finally {
            browser.width(1280, 900);
        }
    }

    @Test
    @Order(9)
    void deletingTheOrganizationNeedsItsName() {
        browser.go("/organization/globex?tab=applications");
        browser.clickAndLoad(browser.driver().findElement(By.linkText("Deploy bot")));
        browser.driver().findElement(By.xpath("//summary[text()='Delete Application']")).click();
        browser.clickAndLoad(browser.find("form.delete-application button"));
        browser.waitForText("#notice", "Application deleted");
        browser.waitForText("#no-applications", "No OAuth applications");

        browser.go("/organization/globex?tab=settings");
        browser.scrollIntoView(browser.find("form.delete-org"));
        browser.find("#confirm").sendKeys("globe");
        browser.clickAndLoad(browser.find("form.delete-org button"));
        browser.waitForText("#form-error", "Type globex exactly");
        assertEquals(400, browser.status());
        browser.find("#confirm").sendKeys("globex");
        browser.clickAndLoad(browser.find("form.delete-org button"));
        assertEquals("/repository?deleted", browser.path());
        browser.go("/organization/globex");
        browser.waitForText("h1", "404");
        browser.go("/repository/globex/svc");
        browser.waitForText("h1", "404");
    }
}
