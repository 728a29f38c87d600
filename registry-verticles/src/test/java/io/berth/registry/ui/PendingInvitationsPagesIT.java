package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Invitations;
import io.berth.registry.testing.Mails;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signed-in user's Repositories page lists the team invitations addressed to them (by name, and to their verified
 * e-mail address) with Accept and Decline, answered through the same service as the mailed link (GreenMail, headless
 * Chromium): the outcomes and usage logs of {@code /confirminvite}, stale buttons told inline, and nothing of them
 * for anyone else, whose forged answers are missing pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PendingInvitationsPagesIT extends BrowserTestBase {
    private static final String ORG = "/organization/initech";
    static RegistryHttp http;
    /** carol's invitation to team ops, as her page named it, for eve's forgeries. */
    static String opsInvite;

    @BeforeAll
    static void start() throws Exception {
        openWithMail(Map.of(), "alice", "carol", "eve");
        http = new RegistryHttp(server);
        ok(http.api("POST", "/organization/", alice(), new JsonObject().put("name", "initech")));
        for (String team : List.of("devs", "ops", "qa")) {
            ok(http.api("PUT", ORG + "/team/" + team, alice(), new JsonObject().put("role", "member")));
        }
    }

    @Test
    @Order(1)
    void invitationsByNameAndByEmailAreListedToTheirInviteeOnly() {
        var byName = RegistryHttp.json(ok(http.api("PUT", ORG + "/team/devs/members/carol", alice(), null)));
        assertTrue(byName.getBoolean("invited"), byName.encode());
        ok(http.api("PUT", ORG + "/team/ops/invite/carol@example.com", alice(), null));

        signIn("carol");
        assertEquals(List.of("Team devs of organization initech, invited by alice",
                "Team ops of organization initech, invited by alice"), listed());
        assertEquals("Pending invitations", browser.find("section.pending-invitations h2").getText());
        browser.screenshot("pending-invitations-01-listed");
        fitsPhone("pending-invitations-01-listed");
        opsInvite = inviteId("ops");

        // eve, signed in, sees nothing of them; her forged answers are missing pages and change nothing
        signIn("eve");
        assertTrue(browser.driver().findElements(By.cssSelector("section.pending-invitations, form.accept-invite"))
                .isEmpty());
        assertFalse(browser.find("main").getText().contains("initech"), browser.find("main").getText());
        var eve = Browser.signedIn(server, "eve", "eve-password");
        for (String action : List.of("accept", "decline")) {
            var forged = eve.postForm("/repository", Map.of("_csrf_token", eve.csrfToken(), "action", action,
                    "invite", opsInvite));
            assertEquals(404, forged.statusCode(), action);
            assertFalse(forged.body().contains("initech") || forged.body().contains("ops"), forged.body());
        }
        assertEquals(404, eve.postForm("/repository", Map.of("_csrf_token", eve.csrfToken(), "action", "accept",
                "invite", "42")).statusCode(), "a sequential id names nothing");
        assertEquals(List.of("carol*"), members("devs"));
        assertEquals(List.of("carol@example.com*"), members("ops"));
        assertEquals(List.of(), answers(), "nothing was answered");

        // without the session's CSRF token nothing is answered either
        var carol = Browser.signedIn(server, "carol", "carol-password");
        assertEquals(403, carol.postForm("/repository", Map.of("action", "accept", "invite", opsInvite)).statusCode());
        assertEquals(List.of("carol@example.com*"), members("ops"));
    }

    @Test
    @Order(2)
    void acceptJoinsTheTeamAndDeclineDropsTheInvitation() throws Exception {
        signIn("carol");
        browser.clickAndLoad(button("devs", "accept"));
        assertEquals("/organization/initech/teams/devs?done=joined", browser.path());
        browser.waitForText("#notice", "Invitation accepted: you are a member of team devs of initech now.");
        assertTrue(browser.find("ul.members").getText().contains("carol"), browser.find("ul.members").getText());
        browser.screenshot("pending-invitations-02-accepted");
        assertEquals(List.of("carol"), members("devs"), "a member now, no longer invited");
        var teams = RegistryHttp.json(ok(http.api("GET", "/organization/initech", server.oauthToken("carol"), null)));
        assertTrue(teams.getBoolean("is_member"), teams.encode());

        browser.go("/repository");
        assertEquals(List.of("Team ops of organization initech, invited by alice"), listed());
        browser.clickAndLoad(button("ops", "decline"));
        assertEquals("/repository?done=invite-declined", browser.path());
        browser.waitForText("#notice", "Invitation declined.");
        assertTrue(browser.driver().findElements(By.cssSelector("section.pending-invitations")).isEmpty(),
                "nothing is shown when nothing is pending");
        browser.screenshot("pending-invitations-03-declined");
        assertEquals(List.of(), members("ops"));

        // the same log entries as answers by code: who answered, the team and the inviter
        long aliceId = server.services().accounts().findByUsername(server.services().database().pool(), "alice")
                .await(30, TimeUnit.SECONDS).id();
        Poll.until(Duration.ofSeconds(10), "both answers are logged", () -> answers().equals(List.of(
                "org_team_member_invite_declined carol ops " + aliceId,
                "org_team_member_invite_accepted carol devs " + aliceId)));
        // the ops invitation is gone: eve's forgery is now as stale as anything missing, and says no more
        var eve = Browser.signedIn(server, "eve", "eve-password");
        var late = eve.postForm("/repository", Map.of("_csrf_token", eve.csrfToken(), "action", "accept",
                "invite", opsInvite));
        assertEquals(400, late.statusCode());
        assertFalse(late.body().contains("initech"), late.body());
    }

    @Test
    @Order(3)
    void aStaleButtonSaysSoInline() {
        ok(http.api("PUT", ORG + "/team/qa/invite/carol@example.com", alice(), null));
        browser.go("/repository");
        assertEquals(List.of("Team qa of organization initech, invited by alice"), listed());

        // cancelled meanwhile
        ok(http.api("DELETE", ORG + "/team/qa/invite/carol@example.com", alice(), null));
        browser.clickAndLoad(button("qa", "accept"));
        assertEquals(400, browser.status());
        browser.waitForText("section.pending-invitations #form-error",
                "This invitation is no longer valid: it was accepted, declined or cancelled meanwhile.");
        assertEquals("No invitations are waiting for your answer.",
                browser.find("section.pending-invitations .note").getText());
        browser.screenshot("pending-invitations-04-stale");
        fitsPhone("pending-invitations-04-stale");
        assertEquals(List.of(), members("qa"), "carol did not join");

        // accepted meanwhile through the mailed code
        ok(http.api("PUT", ORG + "/team/qa/invite/carol@example.com", alice(), null));
        browser.go("/repository");
        WebElement decline = button("qa", "decline");
        ok(http.api("PUT", "/teaminvite/" + Invitations.code(smtp, "carol@example.com"), server.oauthToken("carol"),
                null));
        browser.clickAndLoad(decline);
        assertEquals(400, browser.status());
        browser.waitForText("#form-error", "This invitation is no longer valid");
        assertEquals(List.of("carol"), members("qa"), "the acceptance stands");
    }

    @Test
    @Order(4)
    void anUnverifiedAddressSeesItsInvitationsOnlyThroughTheMailedCode() {
        ok(http.api("PUT", ORG + "/team/ops/invite/newcomer@example.org", alice(), null));
        browser.driver().manage().deleteAllCookies();
        browser.go("/signup");
        browser.find("#username").sendKeys("newbie");
        browser.find("#email").sendKeys("newcomer@example.org");
        browser.find("#password").sendKeys("newbie-password");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "Repositories");
        browser.waitForText("#notice", "We sent a link to your e-mail address: follow it to confirm the address.");
        assertTrue(Mails.newest(smtp, "newcomer@example.org", Pattern.compile("/confirm\\?code=")) != null);
        assertTrue(browser.driver().findElements(By.cssSelector("section.pending-invitations")).isEmpty(),
                "a signed-up address is not known to be newbie's");
        var newbie = Browser.signedIn(server, "newbie", "newbie-password");
        assertFalse(new JsonObject(newbie.get("/api/v1/user/").body()).getBoolean("verified"));

        browser.driver().get(Invitations.link(smtp, "newcomer@example.org"));
        browser.clickAndLoad(browser.find("form.decline-invite button"));
        browser.waitForText("#notice", "Invitation declined.");
        assertTrue(new JsonObject(newbie.get("/api/v1/user/").body()).getBoolean("verified"),
                "the mailed code came back from the address: verified now, as in Quay");

        ok(http.api("PUT", ORG + "/team/ops/invite/newcomer@example.org", alice(), null));
        browser.go("/repository");
        assertEquals(List.of("Team ops of organization initech, invited by alice"), listed());

        // invited to ops by name as well: accepting either leaves no invitation to ops behind
        var byName = RegistryHttp.json(ok(http.api("PUT", ORG + "/team/ops/members/newbie", alice(), null)));
        assertTrue(byName.getBoolean("invited"), byName.encode());
        browser.go("/repository");
        assertEquals(2, listed().size(), listed().toString());
        browser.clickAndLoad(button("ops", "accept"));
        browser.waitForText("#notice", "Invitation accepted: you are a member of team ops of initech now.");
        assertEquals(List.of("newbie"), members("ops"));
        browser.go("/repository");
        assertTrue(browser.driver().findElements(By.cssSelector("section.pending-invitations")).isEmpty());
    }

    private static String alice() {
        return server.oauthToken("alice");
    }

    /** The Pending invitations section's entries, as read. */
    private static List<String> listed() {
        return browser.driver().findElements(By.cssSelector("ul.invitations > li > span:first-child")).stream()
                .map(WebElement::getText).toList();
    }

    /** The listed invitation to the team: its row. */
    private static WebElement row(String team) {
        return browser.driver().findElements(By.cssSelector("ul.invitations > li")).stream()
                .filter(li -> li.getText().startsWith("Team " + team + " ")).findFirst().orElseThrow();
    }

    private static WebElement button(String team, String action) {
        return row(team).findElement(By.cssSelector("form." + action + "-invite button"));
    }

    private static String inviteId(String team) {
        String id = row(team).findElement(By.cssSelector("input[name=invite]")).getAttribute("value");
        UUID.fromString(id);
        return id;
    }

    private static List<String> members(String team) {
        return Invitations.members(server, "initech", team, "alice");
    }

    /** initech's answers to invitations, newest first, as "kind member team inviter". */
    private static List<String> answers() {
        var logs = RegistryHttp.json(ok(http.api("GET", ORG + "/logs", alice(), null)));
        return logs.getJsonArray("logs").stream().map(o -> (JsonObject) o)
                .filter(l -> l.getString("kind").startsWith("org_team_member_invite_"))
                .map(l -> l.getString("kind") + " " + l.getJsonObject("metadata").getString("member") + " "
                        + l.getJsonObject("metadata").getString("team") + " "
                        + l.getJsonObject("metadata").getValue("inviter"))
                .toList();
    }
}
