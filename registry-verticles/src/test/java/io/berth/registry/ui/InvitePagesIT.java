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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answering a team invitation in headless Chromium, from the link of the e-mail GreenMail received: signed out through
 * sign-in (or sign-up) and back, Accept and Decline through the same service as {@code /api/v1/teaminvite}, a used code
 * and someone else's invitation refused, and the sign-in page's return path kept on this site.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InvitePagesIT extends BrowserTestBase {
    private static final String TEAM = "/organization/initech/team/devs";
    static RegistryHttp http;

    @BeforeAll
    static void start() throws Exception {
        openWithMail(Map.of(), "alice", "carol", "dave", "eve");
        http = new RegistryHttp(server);
        ok(http.api("POST", "/organization/", server.oauthToken("alice"), new JsonObject().put("name", "initech")));
        ok(http.api("PUT", TEAM, server.oauthToken("alice"), new JsonObject().put("role", "member")));
    }

    @Test
    @Order(1)
    void signedOutTheMailedLinkGoesThroughSignInAndAcceptJoinsTheTeam() {
        invite("carol");
        String link = Invitations.link(smtp, "carol@example.com");
        assertTrue(link.startsWith(server.baseUrl() + "/confirminvite?code="), link);
        String path = link.substring(server.baseUrl().length());

        browser.driver().manage().deleteAllCookies();
        browser.driver().get(link);
        browser.waitForText("h1", "Sign in");
        assertTrue(browser.path().startsWith("/signin?next="), browser.path());
        browser.waitForText("#signin-purpose", "accept or decline your team invitation");
        browser.find("#username").sendKeys("carol");
        browser.find("#password").sendKeys("carol-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));

        assertEquals(path, browser.path(), "signing in lands back on the invitation");
        assertEquals("You have been invited to join team devs of organization initech by alice.",
                browser.find("#invite-summary").getText());
        browser.screenshot("invite-01-confirm");
        browser.width(390, 844);
        try {
            browser.go(path);
            assertTrue(browser.scrollWidth() <= 390, "the invitation overflows 390 px: " + browser.scrollWidth());
            browser.screenshot("invite-01-confirm-390px");
        } finally {
            browser.width(1280, 900);
        }

        browser.clickAndLoad(browser.find("form.accept-invite button"));
        assertEquals("/organization/initech/teams/devs?done=joined", browser.path());
        browser.waitForText("#notice", "Invitation accepted: you are a member of team devs of initech now.");
        assertTrue(browser.find("ul.members").getText().contains("carol"));
        browser.screenshot("invite-02-accepted");
        assertEquals(List.of("carol"), teamMembers());
        Poll.until(Duration.ofSeconds(10), "the acceptance is logged",
                () -> answers().contains("org_team_member_invite_accepted carol devs"));

        // the code is used up: the same link, and a replayed Accept, tell so with a 404
        browser.go(path);
        browser.waitForText("#invite-invalid", "This invitation is no longer valid: it was accepted, declined or cancelled.");
        assertEquals(404, browser.status());
        browser.screenshot("invite-03-no-longer-valid");
        var carol = Browser.signedIn(server, "carol", "carol-password");
        assertEquals(404, carol.postForm("/confirminvite", Map.of("_csrf_token", carol.csrfToken(), "action", "accept",
                "code", Invitations.code(smtp, "carol@example.com"))).statusCode());
        assertEquals(404, carol.get("/confirminvite?code=nonsense").statusCode());
        assertEquals(404, carol.get("/confirminvite").statusCode());
    }

    @Test
    @Order(2)
    void declineDropsTheInvitation() {
        invite("dave");
        signIn("dave");
        browser.driver().get(Invitations.link(smtp, "dave@example.com"));
        browser.waitForText("#invite-summary", "team devs of organization initech");
        browser.clickAndLoad(browser.find("form.decline-invite button"));
        assertEquals("/repository?done=invite-declined", browser.path());
        browser.waitForText("#notice", "Invitation declined.");
        browser.screenshot("invite-04-declined");

        assertEquals(List.of("carol"), teamMembers(), "dave is neither a member nor invited");
        Poll.until(Duration.ofSeconds(10), "the refusal is logged",
                () -> answers().contains("org_team_member_invite_declined dave devs"));
        browser.driver().get(Invitations.link(smtp, "dave@example.com"));
        browser.waitForText("#invite-invalid", "no longer valid");
        assertEquals(404, browser.status());
    }

    @Test
    @Order(3)
    void someoneElsesInvitationIsRefused() {
        invite("eve");
        String eveCode = Invitations.code(smtp, "eve@example.com");
        // dave (signed in from the last test) follows eve's link: the service's refusal, and nothing of the team
        browser.driver().get(Invitations.link(smtp, "eve@example.com"));
        browser.waitForText("#form-error", "This invite is intended for user \"eve\". Please login to that account");
        assertEquals(400, browser.status());
        assertFalse(browser.find("main").getText().contains("initech"), browser.find("main").getText());
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.cssSelector("form.accept-invite")).isEmpty());
        browser.screenshot("invite-05-someone-elses");

        var dave = Browser.signedIn(server, "dave", "dave-password");
        var forged = dave.postForm("/confirminvite", Map.of("_csrf_token", dave.csrfToken(), "action", "accept",
                "code", eveCode));
        assertEquals(400, forged.statusCode());
        assertTrue(forged.body().contains("This invite is intended for user &quot;eve&quot;"), forged.body());
        assertEquals(List.of("carol", "eve*"), teamMembers(), "eve is still invited, dave no member");
        assertEquals(400, http.api("PUT", "/teaminvite/" + eveCode, server.oauthToken("dave"), null).statusCode(),
                "the API answers the same");
    }

    @Test
    @Order(4)
    void anEmailInvitationIsAnsweredByWhoeverSignsUpWithTheLink() {
        ok(http.api("PUT", TEAM + "/invite/newcomer@example.org", server.oauthToken("alice"), null));
        browser.driver().manage().deleteAllCookies();
        browser.driver().get(Invitations.link(smtp, "newcomer@example.org"));
        browser.waitForText("h1", "Sign in");
        browser.clickAndLoad(browser.driver().findElement(org.openqa.selenium.By.linkText("Create one")));
        browser.waitForText("h1", "Create account");
        browser.find("#username").sendKeys("newbie");
        browser.find("#email").sendKeys("newcomer@example.org");
        browser.find("#password").sendKeys("newbie-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));

        browser.waitForText("#invite-summary", "team devs of organization initech by alice");
        browser.clickAndLoad(browser.find("form.accept-invite button"));
        browser.waitForText("#notice", "Invitation accepted");
        assertEquals(List.of("carol", "newbie", "eve*"), teamMembers());
    }

    @Test
    @Order(5)
    void signingInNeverLeavesTheSite() {
        for (String next : List.of("//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example",
                "/\t/evil.example", "javascript:alert(1)")) {
            browser.driver().manage().deleteAllCookies();
            browser.go("/signin?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            browser.find("#username").sendKeys("alice");
            browser.find("#password").sendKeys("alice-password");
            browser.clickAndLoad(browser.find("main button[type=submit]"));
            assertEquals(server.baseUrl() + "/repository", browser.driver().getCurrentUrl(), next);
        }
        var anonymous = new Browser(server);
        var signedIn = anonymous.postForm("/signin", Map.of("_csrf_token", anonymous.csrfToken(), "username", "alice",
                "password", "alice-password", "next", "//evil.example/"));
        assertEquals(303, signedIn.statusCode());
        assertEquals("/repository", signedIn.headers().firstValue("Location").orElse(null));

        // a path of the site is where signing in leads
        browser.driver().manage().deleteAllCookies();
        browser.go("/user/settings?tab=robots");
        assertEquals("/signin?next=%2Fuser%2Fsettings%3Ftab%3Drobots", browser.path());
        browser.find("#username").sendKeys("alice");
        browser.find("#password").sendKeys("alice-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        assertEquals("/user/settings?tab=robots", browser.path());
    }

    /** alice invites the user to team devs (they are in no team of initech, so it is an invitation). */
    private static void invite(String user) {
        var member = RegistryHttp.json(ok(http.api("PUT", TEAM + "/members/" + user, server.oauthToken("alice"), null)));
        assertTrue(member.getBoolean("invited"), member.encode());
    }

    private static List<String> teamMembers() {
        return Invitations.members(server, "initech", "devs", "alice");
    }

    /** initech's acceptances and refusals of invitations, as "kind member team". */
    private static List<String> answers() {
        var logs = RegistryHttp.json(ok(http.api("GET", "/organization/initech/logs", server.oauthToken("alice"), null)));
        return logs.getJsonArray("logs").stream().map(o -> (JsonObject) o)
                .filter(l -> l.getString("kind").startsWith("org_team_member_invite_"))
                .map(l -> l.getString("kind") + " " + l.getJsonObject("metadata").getString("member") + " "
                        + l.getJsonObject("metadata").getString("team"))
                .toList();
    }
}
