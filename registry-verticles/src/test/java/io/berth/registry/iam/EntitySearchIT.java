package io.berth.registry.iam;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/entities/<prefix>}: users by prefix (enabled users, no organizations), robots only of the named
 * namespace and only for those who may see them, teams only for the organization's members, the organization for its
 * admins; 401 for anonymous callers.
 */
class EntitySearchIT {
    static TestServer server;
    static RegistryHttp http;
    static String alice;
    static String bob;
    static String dan;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        alice = http.initialize("alice", "alice-password");
        for (String user : List.of("bob", "bobby", "bert", "bonnie", "dan")) server.createUser(user, user + "-password");
        for (int i = 1; i <= 12; i++) server.createUser("many%02d".formatted(i), "many-password");
        new Fixtures(server).query("UPDATE account SET enabled = FALSE WHERE username = $1", Tuple.of("bonnie"));
        bob = server.oauthToken("bob");
        dan = server.oauthToken("dan");
        ok(http.api("POST", "/organization/", alice, new JsonObject().put("name", "acme").put("email", "ops@acme.test")));
        ok(http.api("POST", "/organization/", alice, new JsonObject().put("name", "bolt").put("email", "ops@bolt.test")));
        ok(http.api("PUT", "/organization/acme/team/builders", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/acme/team/builders/members/bob", alice, null));
        ok(http.api("PUT", "/organization/acme/team/auditors", alice, new JsonObject().put("role", "member")));
        ok(http.api("PUT", "/organization/acme/robots/builder", alice, null));
        ok(http.api("PUT", "/organization/acme/robots/backup", alice, null));
        ok(http.api("PUT", "/user/robots/bench", alice, null));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonArray search(String token, String prefixAndQuery) {
        var r = http.api("GET", "/entities/" + prefixAndQuery, token, null);
        assertEquals(200, r.statusCode(), r.body());
        return RegistryHttp.json(r).getJsonArray("results");
    }

    static List<String> names(JsonArray results) {
        return results.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    }

    static JsonObject entity(JsonArray results, String name) {
        return results.stream().map(o -> (JsonObject) o).filter(o -> o.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not among " + results.encode()));
    }

    /** With sequential scans priced out, as a large account table would, the search is answered by the prefix index. */
    @Test
    void theSearchUsesTheNamePrefixIndex() {
        var plan = server.services().database().pool().withConnection(conn -> conn.query("SET enable_seqscan = off")
                        .execute().compose(v -> conn.preparedQuery("EXPLAIN " + AccountRepository.MATCHING)
                                .execute(Tuple.of("bo", 1L, "acme+b", null, 10))))
                .map(rows -> {
                    var text = new StringBuilder();
                    rows.forEach(r -> text.append(r.getString(0)).append('\n'));
                    return text.toString();
                }).await();
        assertTrue(plan.contains("account_username_prefix"), plan);
    }

    @Test
    void anonymousCallersAreRefused() {
        var r = http.api("GET", "/entities/bo", null, null);
        assertEquals(401, r.statusCode(), r.body());
    }

    @Test
    void usersMatchByPrefixExactMatchFirstWithoutOrganizationsOrDisabledAccounts() {
        var results = search(dan, "bo");
        assertEquals(List.of("bob", "bobby"), names(results), "no organization bolt, no disabled bonnie");
        var bobView = entity(results, "bob");
        assertEquals("user", bobView.getString("kind"));
        assertFalse(bobView.getBoolean("is_robot"));
        assertEquals("bob", bobView.getJsonObject("avatar").getString("name"));
        assertFalse(bobView.containsKey("is_org_member"), "no organization was asked about");

        assertEquals(List.of("bob", "bobby"), names(search(dan, "bob")));
        assertEquals(List.of("bobby"), names(search(dan, "bobb")));
        assertEquals(List.of("bob", "bobby"), names(search(dan, "B%20O")), "spaces dropped, lower-cased");
        assertEquals(List.of(), names(search(dan, "zz")));
        assertEquals(List.of(), names(search(dan, "b_b")), "_ is no wildcard");
    }

    @Test
    void answersAreCappedAtTenAndAnExactMatchIsNeverCutOff() {
        var all = names(search(dan, "many"));
        assertEquals(10, all.size());
        assertEquals("many01", all.getFirst());
        assertEquals("many12", names(search(dan, "many12")).getFirst());
    }

    @Test
    void anOrganizationsAdminSeesItsRobotsTeamsMembershipAndTheOrganization() {
        var results = search(alice, "b?namespace=acme&includeTeams=true&includeOrgs=true");
        assertEquals(List.of("builders", "acme+backup", "acme+builder", "bert", "bob", "bobby"), names(results));
        var team = entity(results, "builders");
        assertEquals("team", team.getString("kind"));
        assertTrue(team.getBoolean("is_org_member"));
        assertEquals("team", team.getJsonObject("avatar").getString("kind"));
        var robot = entity(results, "acme+builder");
        assertEquals("user", robot.getString("kind"));
        assertTrue(robot.getBoolean("is_robot"));
        assertTrue(robot.getBoolean("is_org_member"));
        assertTrue(entity(results, "bob").getBoolean("is_org_member"));
        assertFalse(entity(results, "bobby").getBoolean("is_org_member"));

        assertEquals(List.of("acme+builder"), names(search(alice, "acme%2Bbu?namespace=acme")), "a full robot name");
        assertEquals(List.of("acme"), names(search(alice, "ac?namespace=acme&includeOrgs=true")));
        assertEquals("org", entity(search(alice, "ac?namespace=acme&includeOrgs=true"), "acme").getString("kind"));
        assertEquals(List.of("acme+backup", "acme+builder", "bert", "bob", "bobby"),
                names(search(alice, "b?namespace=acme")), "teams only when asked for");
    }

    @Test
    void aMemberSeesRobotsAndTeamsButNotTheOrganization() {
        var results = search(bob, "b?namespace=acme&includeTeams=true&includeOrgs=true");
        assertEquals(List.of("builders", "acme+backup", "acme+builder", "bert", "bob", "bobby"), names(results));
        assertEquals(List.of(), names(search(bob, "ac?namespace=acme&includeOrgs=true")), "only admins get the org");
    }

    @Test
    void anOutsiderLearnsNothingAboutTheOrganization() {
        var results = search(dan, "b?namespace=acme&includeTeams=true&includeOrgs=true");
        assertEquals(List.of("bert", "bob", "bobby"), names(results));
        results.forEach(o -> assertFalse(((JsonObject) o).containsKey("is_org_member"), o.toString()));
        assertEquals(List.of(), names(search(dan, "acme%2B?namespace=acme&includeTeams=true")));
        assertEquals(List.of(), names(search(dan, "au?namespace=acme&includeTeams=true")));
    }

    @Test
    void aUsersRobotsAreTheirsAlone() {
        assertEquals(List.of("alice+bench", "bert"), names(search(alice, "be?namespace=alice")));
        assertEquals(List.of("bert"), names(search(bob, "be?namespace=alice")), "bob does not see alice's robots");
        assertEquals(List.of("bert"), names(search(alice, "be")), "no namespace: no robots");
        assertEquals(List.of("bert"), names(search(alice, "be?namespace=nobody")));
        String readOnly = server.oauthToken("alice", Set.of("repo:read"));
        assertEquals(List.of("bert"), names(search(readOnly, "be?namespace=alice")), "robots need user:admin");
        assertNull(entity(search(alice, "be?namespace=alice"), "bert").getBoolean("is_org_member"));
    }
}
