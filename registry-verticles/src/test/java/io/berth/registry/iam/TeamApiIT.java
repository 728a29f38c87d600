package io.berth.registry.iam;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.berth.registry.testing.RegistryHttp.ok;
import static io.berth.registry.testing.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Teams (quay-api.md §3.3) with mailing on: invitations go through a real SMTP server (GreenMail) on loopback. */
class TeamApiIT {
    static GreenMail smtp;
    static TestServer server;
    static RegistryHttp http;
    static Fixtures fixtures;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        int port = TestServer.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        server = TestServer.start(Map.of("MAIL_SERVER", "127.0.0.1", "MAIL_PORT", port, "MAIL_USE_TLS", false,
                "MAIL_DEFAULT_SENDER", "berth@example.com"));
        http = new RegistryHttp(server);
        fixtures = new Fixtures(server);
        alice = http.initialize("alice", "alice-password");
        for (String user : List.of("bob", "carol", "dave", "erin")) server.createUser(user, user + "-password");
    }

    @AfterAll
    static void stop() {
        server.close();
        smtp.stop();
    }

    static String token(String user) {
        return server.oauthToken(user);
    }

    static void organization(String name) {
        ok(http.api("POST", "/organization/", alice, new JsonObject().put("name", name)));
    }

    static HttpResponse<String> team(String org, String team, String role, String description) {
        var body = new JsonObject().put("role", role);
        if (description != null) body.put("description", description);
        return http.api("PUT", "/organization/" + org + "/team/" + team, alice, body);
    }

    /** The messages received for an address so far, waiting (bounded) until there are {@code count}. */
    static List<MimeMessage> mailFor(String address, int count) {
        assertTrue(smtp.waitForIncomingEmail(30_000, count), "expected mail");
        return Arrays.stream(smtp.getReceivedMessagesForDomain(address)).toList();
    }

    static String code(MimeMessage message) {
        var m = Pattern.compile("teaminvite/([A-Za-z0-9]+)").matcher(GreenMailUtil.getBody(message));
        assertTrue(m.find(), GreenMailUtil.getBody(message));
        return m.group(1);
    }

    static List<String> memberNames(String org, String team, boolean pending) {
        var r = ok(http.api("GET", "/organization/" + org + "/team/" + team + "/members"
                + (pending ? "?includePending=true" : ""), alice, null));
        return json(r).getJsonArray("members").stream().map(o -> (JsonObject) o)
                .map(m -> m.getString("name", m.getString("email")) + (m.getBoolean("invited") ? "*" : "")).toList();
    }

    @Test
    void createOrUpdateWithRoleAndDescription() {
        organization("teams");
        var created = json(ok(team("teams", "devs", "member", "Developers")));
        assertTrue(created.getBoolean("new_team"));
        assertEquals("member", created.getString("role"));
        assertEquals("Developers", created.getString("description"));

        var updated = json(ok(team("teams", "devs", "creator", null)));
        assertFalse(updated.getBoolean("new_team"));
        assertEquals("creator", updated.getString("role"));
        assertEquals("Developers", updated.getString("description"), "a missing description is left as it was");
        ok(team("teams", "devs", "creator", "Builders"));

        var view = json(ok(http.api("GET", "/organization/teams", alice, null)));
        assertEquals(new JsonArray().add("owners").add("devs"), view.getJsonArray("ordered_teams"));
        var devs = view.getJsonObject("teams").getJsonObject("devs");
        assertEquals("creator", devs.getString("role"));
        assertEquals("Builders", devs.getString("description"));
        assertEquals(0, devs.getInteger("member_count"));
        assertEquals(1, view.getJsonObject("teams").getJsonObject("owners").getInteger("member_count"));
        assertEquals("team", devs.getJsonObject("avatar").getString("kind"));

        assertEquals(List.of("org_create", "org_create_team", "org_set_team_role", "org_set_team_description"),
                fixtures.logKinds("teams"));

        assertEquals(204, http.api("DELETE", "/organization/teams/team/devs", alice, null).statusCode());
        assertFalse(json(ok(http.api("GET", "/organization/teams", alice, null))).getJsonObject("teams")
                .containsKey("devs"));
        assertEquals("org_delete_team", fixtures.logKinds("teams").getLast());
    }

    @Test
    void outsidersAreInvitedByMailAndJoinWhenTheyAccept() {
        organization("inviting");
        ok(team("inviting", "devs", "member", null));
        int before = smtp.getReceivedMessages().length;
        var added = json(ok(http.api("PUT", "/organization/inviting/team/devs/members/bob", alice, null)));
        assertTrue(added.getBoolean("invited"), "bob is in no team of the organization yet");
        assertEquals(List.of(), memberNames("inviting", "devs", false));
        assertEquals(List.of("bob*"), memberNames("inviting", "devs", true));

        var mails = mailFor("bob@example.com", before + 1);
        var mail = mails.getLast();
        assertTrue(GreenMailUtil.getBody(mail).contains("inviting"), GreenMailUtil.getBody(mail));
        String code = code(mail);
        String bob = token("bob");
        assertFalse(json(ok(http.api("GET", "/organization/inviting", bob, null))).getBoolean("is_member"));

        var joined = json(ok(http.api("PUT", "/teaminvite/" + code, bob, null)));
        assertEquals(new JsonObject().put("org", "inviting").put("team", "devs"), joined);
        assertEquals(List.of("bob"), memberNames("inviting", "devs", true));
        var view = json(ok(http.api("GET", "/organization/inviting", bob, null)));
        assertTrue(view.getBoolean("is_member"));
        assertTrue(view.getJsonObject("teams").getJsonObject("devs").getBoolean("can_view"));
        assertFalse(view.getJsonObject("teams").getJsonObject("owners").getBoolean("can_view"));
        assertEquals(200, http.api("GET", "/organization/inviting/team/devs/members", bob, null).statusCode(),
                "members see their own team");
        assertEquals(403, http.api("GET", "/organization/inviting/team/owners/members", bob, null).statusCode());
        assertEquals(404, http.api("PUT", "/teaminvite/" + code, bob, null).statusCode(), "a code works once");

        // now a member of the organization, bob joins other teams at once
        ok(team("inviting", "ops", "member", null));
        assertFalse(json(ok(http.api("PUT", "/organization/inviting/team/ops/members/bob", alice, null)))
                .getBoolean("invited"));
        assertEquals(List.of("bob"), memberNames("inviting", "ops", false));
        assertEquals(List.of("org_create", "org_create_team", "org_invite_team_member",
                "org_team_member_invite_accepted", "org_create_team", "org_add_team_member"),
                fixtures.logKinds("inviting"));
    }

    @Test
    void anInvitationOfAUserIsThatUsersAloneAndCanBeDeclined() {
        organization("declining");
        ok(team("declining", "devs", "member", null));
        int before = smtp.getReceivedMessages().length;
        ok(http.api("PUT", "/organization/declining/team/devs/members/carol", alice, null));
        String code = code(mailFor("carol@example.com", before + 1).getLast());

        var other = http.api("PUT", "/teaminvite/" + code, token("dave"), null);
        assertEquals(400, other.statusCode());
        assertTrue(json(other).getString("message").contains("intended for user \"carol\""), other.body());
        assertEquals(403, http.api("PUT", "/teaminvite/" + code, null, null).statusCode(),
                "refused (for want of a CSRF token) without a token");

        assertEquals(204, http.api("DELETE", "/teaminvite/" + code, token("carol"), null).statusCode());
        assertEquals(404, http.api("PUT", "/teaminvite/" + code, token("carol"), null).statusCode());
        assertEquals(List.of(), memberNames("declining", "devs", true));
        assertEquals("org_team_member_invite_declined", fixtures.logKinds("declining").getLast());
    }

    @Test
    void removingAPendingInviteeDropsTheInvitation() {
        organization("dropping");
        ok(team("dropping", "devs", "member", null));
        ok(http.api("PUT", "/organization/dropping/team/devs/members/erin", alice, null));
        assertEquals(List.of("erin*"), memberNames("dropping", "devs", true));
        assertEquals(204, http.api("DELETE", "/organization/dropping/team/devs/members/erin", alice, null).statusCode());
        assertEquals(List.of(), memberNames("dropping", "devs", true));
        assertEquals("org_delete_team_member_invite", fixtures.logKinds("dropping").getLast());
        var again = http.api("DELETE", "/organization/dropping/team/devs/members/erin", alice, null);
        assertEquals(400, again.statusCode());
        assertEquals("User erin does not belong to team devs", json(again).getString("message"));
    }

    @Test
    void anEmailAddressIsInvitedAndWhoeverHoldsTheCodeJoins() {
        organization("mailing");
        ok(team("mailing", "devs", "member", null));
        int before = smtp.getReceivedMessages().length;
        var invite = json(ok(http.api("PUT", "/organization/mailing/team/devs/invite/newcomer@example.org", alice, null)));
        assertEquals("invite", invite.getString("kind"));
        assertTrue(invite.getBoolean("invited"));
        String code = code(mailFor("newcomer@example.org", before + 1).getLast());
        assertEquals(List.of("newcomer@example.org*"), memberNames("mailing", "devs", true));

        ok(http.api("PUT", "/teaminvite/" + code, token("dave"), null));
        assertEquals(List.of("dave"), memberNames("mailing", "devs", true));

        ok(http.api("PUT", "/organization/mailing/team/devs/invite/other@example.org", alice, null));
        assertEquals(204, http.api("DELETE", "/organization/mailing/team/devs/invite/other@example.org", alice, null)
                .statusCode());
        assertEquals(404, http.api("DELETE", "/organization/mailing/team/devs/invite/other@example.org", alice, null)
                .statusCode());
        assertEquals(400, http.api("PUT", "/organization/mailing/team/devs/invite/not-an-address", alice, null)
                .statusCode());
        assertEquals(List.of("org_create", "org_create_team", "org_invite_team_member",
                "org_team_member_invite_accepted", "org_invite_team_member", "org_delete_team_member_invite"),
                fixtures.logKinds("mailing"));
    }

    @Test
    void theLastAdminTeamCannotBeRemovedOrDemotedNorItsLastMemberRemoved() {
        organization("guarded");
        var demote = team("guarded", "owners", "member", null);
        assertEquals(400, demote.statusCode());
        assertEquals("Cannot remove admin from team 'owners' because calling user would no longer have admin on org"
                + " 'guarded'", json(demote).getString("message"));
        var delete = http.api("DELETE", "/organization/guarded/team/owners", alice, null);
        assertEquals(400, delete.statusCode());
        assertTrue(json(delete).getString("message").startsWith("Deleting team 'owners' would remove admin ability"));
        var leave = http.api("DELETE", "/organization/guarded/team/owners/members/alice", alice, null);
        assertEquals(400, leave.statusCode());
        assertEquals("User cannot remove themselves from their only admin team.", json(leave).getString("message"));
        var leaveAll = http.api("DELETE", "/organization/guarded/members/alice", alice, null);
        assertEquals(400, leaveAll.statusCode());
        assertEquals("Cannot remove user as they are the only organization admin", json(leaveAll).getString("message"));
        var view = json(ok(http.api("GET", "/organization/guarded", alice, null)));
        assertEquals("admin", view.getJsonObject("teams").getJsonObject("owners").getString("role"), "nothing changed");
        assertEquals(1, view.getJsonObject("teams").getJsonObject("owners").getInteger("member_count"));

        // with a second admin team alice may demote the first one
        ok(team("guarded", "admins", "admin", null));
        ok(http.api("PUT", "/organization/guarded/team/admins/members/alice", alice, null));
        ok(team("guarded", "owners", "member", null));
        assertEquals(204, http.api("DELETE", "/organization/guarded/team/owners", alice, null).statusCode());
    }

    @Test
    void robotsOfTheOrganizationJoinTeamsAndTeamsHoldRepositoryPermissions() {
        organization("robotic");
        ok(team("robotic", "deployers", "member", null));
        ok(http.api("PUT", "/organization/robotic/robots/deployer", alice, null));
        ok(http.api("PUT", "/user/robots/mine", alice, null));
        var added = json(ok(http.api("PUT", "/organization/robotic/team/deployers/members/robotic+deployer", alice, null)));
        assertTrue(added.getBoolean("is_robot"));
        assertFalse(added.getBoolean("invited"), "robots never need an invitation");
        var foreign = http.api("PUT", "/organization/robotic/team/deployers/members/alice+mine", alice, null);
        assertEquals(400, foreign.statusCode());
        assertEquals("Cannot add the specified robot to this team, as it is not a member of the organization",
                json(foreign).getString("message"));

        ok(http.api("POST", "/repository", alice, new JsonObject().put("namespace", "robotic").put("repository", "app")
                .put("visibility", "private").put("description", "")));
        ok(http.api("PUT", "/repository/robotic/app/permissions/team/deployers", alice, new JsonObject().put("role", "write")));
        var permissions = json(ok(http.api("GET", "/organization/robotic/team/deployers/permissions", alice, null)));
        assertEquals(new JsonArray().add(new JsonObject().put("repository",
                new JsonObject().put("name", "app").put("is_public", false)).put("role", "write")),
                permissions.getJsonArray("permissions"));
        var robots = json(ok(http.api("GET", "/organization/robotic/robots?permissions=true", alice, null)));
        var robot = robots.getJsonArray("robots").getJsonObject(0);
        assertEquals("deployers", robot.getJsonArray("teams").getJsonObject(0).getString("name"));
    }
}
