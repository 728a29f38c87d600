package io.berth.registry.iam;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Deleting a namespace (quay-api.md §3.16, §3.2): an account or an organization goes with everything it owns, in one
 * transaction, and no organization is left without an admin.
 */
class NamespaceDeletionIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int count(String sql, Object... params) {
        return db.query(sql, Tuple.from(params)).get(0).getInteger(0);
    }

    @Test
    void deletingAnAccountRemovesWhatItOwns() {
        server.createUser("dora", "dora-password");
        var browser = Browser.signedIn(server, "dora", "dora-password");
        var repo = browser.json("POST", "/api/v1/repository", new JsonObject().put("repository", "app")
                .put("visibility", "private").put("description", ""));
        assertEquals(201, repo.statusCode(), repo.body());
        long repoId = db.repository("dora", "app", "private");
        db.blob(repoId, "application/octet-stream", "layer of dora");
        assertEquals(1, count("SELECT count(*) FROM repository_blob WHERE repository_id = $1", repoId));

        var deleted = browser.json("DELETE", "/api/v1/user/", null);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(0, count("SELECT count(*) FROM repository WHERE id = $1", repoId));
        assertEquals(0, count("SELECT count(*) FROM repository_blob WHERE repository_id = $1", repoId),
                "nothing keeps the blob referenced; GC reclaims it");
        assertEquals(0, count("SELECT count(*) FROM account WHERE username = 'dora'"));
        assertEquals(0, count("SELECT count(*) FROM web_session s WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = s.account_id)"));
        assertEquals(404, http.send(http.request("/api/v1/users/dora", null).build()).statusCode());
        assertThrows(IllegalStateException.class, () -> http.token("dora", "dora-password"));
        db.flushUsageLog();
        assertEquals(1, count("SELECT count(*) FROM usage_log WHERE kind = 'user_delete' AND metadata->>'username' = 'dora'"));
    }

    @Test
    void theOnlyAdminOfAnOrganizationCannotLeaveItBehind() {
        server.createUser("olga", "olga-password");
        var olga = Browser.signedIn(server, "olga", "olga-password");
        assertEquals(201, olga.json("POST", "/api/v1/organization/", new JsonObject().put("name", "olgacorp")
                .put("email", "ops@olgacorp.test")).statusCode());
        assertEquals(201, olga.json("POST", "/api/v1/repository", new JsonObject().put("namespace", "olgacorp")
                .put("repository", "svc").put("visibility", "private").put("description", "")).statusCode());

        var refused = olga.json("DELETE", "/api/v1/user/", null);
        assertEquals(400, refused.statusCode());
        assertEquals("Cannot delete olga as you are the only admin for organizations: olgacorp",
                new JsonObject(refused.body()).getString("message"));
        assertEquals(1, count("SELECT count(*) FROM account WHERE username = 'olga'"), "nothing was deleted");

        server.createUser("stranger", "stranger-password");
        var stranger = Browser.signedIn(server, "stranger", "stranger-password");
        assertEquals(403, stranger.json("DELETE", "/api/v1/organization/olgacorp", null).statusCode());
        db.query("""
                UPDATE web_session SET fresh_at = now() - interval '1 hour'
                WHERE account_id = (SELECT id FROM account WHERE username = 'olga')""", Tuple.tuple());
        assertEquals(401, olga.json("DELETE", "/api/v1/organization/olgacorp", null).statusCode(), "needs a fresh login");
        assertEquals(200, olga.json("POST", "/api/v1/signin/verify", new JsonObject().put("password", "olga-password"))
                .statusCode());
        assertEquals(204, olga.json("DELETE", "/api/v1/organization/olgacorp", null).statusCode());
        assertEquals(0, count("""
                SELECT count(*) FROM repository r JOIN account a ON a.id = r.namespace_id WHERE a.username = 'olgacorp'"""));
        assertEquals(0, count("SELECT count(*) FROM account WHERE username = 'olgacorp'"));
        assertEquals(403, olga.json("DELETE", "/api/v1/organization/olgacorp", null).statusCode(),
                "no one administers an organization that is gone");

        assertEquals(204, olga.json("DELETE", "/api/v1/user/", null).statusCode(), "with the organization gone, she may go");
        db.flushUsageLog();
        assertEquals(1, count("SELECT count(*) FROM usage_log WHERE kind = 'org_delete' AND metadata->>'namespace' = 'olgacorp'"));
    }
}
