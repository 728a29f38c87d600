package io.berth.registry.iam;

import com.icegreen.greenmail.util.GreenMail;
import io.berth.registry.auth.SecretCodes;
import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Mails;
import io.berth.registry.testing.Poll;
import io.berth.registry.testing.Recoveries;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.berth.registry.testing.RegistryHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password recovery through the API (quay-api.md §3.16, §3.17) with mail delivered to a real GreenMail: Quay's answers
 * for a user's, an organization's and an unknown address, the one-time link that signs the user in (fresh enough to
 * set a new password, which ends the other sessions), used, bogus and expired codes, the limit on live codes, the
 * superuser's {@code sendrecovery}, and everything gone (404) while the registry sends no mail.
 */
class RecoveryApiIT {
    static GreenMail smtp;
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() throws Exception {
        smtp = Mails.smtp();
        var config = new HashMap<>(Mails.config(smtp));
        config.put("SUPER_USERS", List.of("root"));
        server = TestServer.start(config);
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        for (String user : List.of("root", "alice", "carol", "dave", "erin", "frank", "grace", "henry")) {
            server.createUser(user, user + "-password");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (smtp != null) smtp.stop();
    }

    /** An anonymous browser's recovery request, with its session's CSRF token, as the sign-in page's would be. */
    static HttpResponse<String> request(String email) {
        var browser = new Browser(server);
        browser.csrfToken();
        return browser.json("POST", "/api/v1/recovery", new JsonObject().put("email", email));
    }

    static long liveCodes(String user) {
        return db.query("""
                SELECT count(*) FROM password_recovery r JOIN account a ON a.id = r.account_id
                WHERE a.username = $1 AND r.expires_at > now()""", Tuple.of(user)).get(0).getLong(0);
    }

    @Test
    void aUsersAddressGetsALinkThatSignsInOnceAndLetsANewPasswordBeSet() {
        var before = Browser.signedIn(server, "carol", "carol-password");
        var r = request("carol@example.com");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new JsonObject().put("status", "sent"), new JsonObject(r.body()));
        String link = Recoveries.link(smtp, "carol@example.com");
        assertTrue(link.startsWith(server.baseUrl() + "/recovery?code="), link);
        String mail = Mails.texts(smtp, "carol@example.com").getLast();
        assertTrue(mail.contains("recover the account carol"), mail);
        String code = Recoveries.code(smtp, "carol@example.com");
        assertEquals(List.of(SecretCodes.sha256(code)), db.query("""
                SELECT code_hash FROM password_recovery r JOIN account a ON a.id = r.account_id
                WHERE a.username = 'carol'""", Tuple.tuple()).stream().map(row -> row.getString(0)).toList(),
                "only the code's hash is stored");

        var recovered = new Browser(server);
        var signIn = recovered.get("/recovery?code=" + code);
        assertEquals(303, signIn.statusCode(), signIn.body());
        assertEquals("/user/settings?action=password", signIn.headers().firstValue("Location").orElse(null));
        assertNotNull(recovered.session());
        assertEquals("carol", new JsonObject(ok(recovered.get("/api/v1/user/")).body()).getString("username"));
        // the recovery sign-in is fresh: the new password needs no old one and no /signin/verify
        ok(recovered.json("PUT", "/api/v1/user/", new JsonObject().put("password", "carol-new-password")));
        assertEquals(401, before.get("/api/v1/user/").statusCode(), "the session from before is over");
        assertEquals(200, recovered.get("/api/v1/user/").statusCode(), "the recovering session stays");
        assertEquals(403, new Browser(server).signIn("carol", "carol-password").statusCode());
        Browser.signedIn(server, "carol", "carol-new-password");
        assertTrue(db.logKinds("carol").contains("user_change_password"), db.logKinds("carol").toString());

        for (String used : List.of(code, "nonsense", "", code.substring(0, 20))) {
            var again = new Browser(server).get("/recovery?code=" + used);
            assertEquals(404, again.statusCode(), used);
            assertTrue(again.body().contains("Invalid recovery code: This code is invalid or may have already been used."),
                    again.body());
        }
    }

    @Test
    void unknownAddressesGetTheSameAnswerAndNoCode() {
        long codes = db.query("SELECT count(*) FROM password_recovery", Tuple.tuple()).get(0).getLong(0);
        var r = request("nobody@example.com");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new JsonObject().put("status", "sent"), new JsonObject(r.body()));
        assertEquals(codes, db.query("SELECT count(*) FROM password_recovery", Tuple.tuple()).get(0).getLong(0));

        // an address differs from the account's only in case: still the account's
        assertEquals(new JsonObject().put("status", "sent"), new JsonObject(ok(request("Henry@Example.COM")).body()));
        assertTrue(Recoveries.link(smtp, "henry@example.com").contains("/recovery?code="));
    }

    @Test
    void anOrganizationsAddressNamesItHalfHiddenAndMailsItsAdminsNames() {
        ok(http.api("POST", "/organization/", server.oauthToken("alice"),
                new JsonObject().put("name", "initech").put("email", "ops@initech.test")));
        var r = request("ops@initech.test");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new JsonObject().put("status", "org").put("orgemail", "ops@initech.test")
                .put("orgname", "in\u2022\u2022\u2022\u2022h"), new JsonObject(r.body()));
        String mail = Mails.newest(smtp, "ops@initech.test", Pattern.compile("(?s)organization initech.*")).group();
        assertTrue(mail.lines().anyMatch(line -> line.equals("  alice")) && mail.contains(server.baseUrl() + "/signin"),
                mail);
        assertFalse(mail.contains("/recovery?code="), "an organization has no password to reset: " + mail);
    }

    @Test
    void aMalformedOrMissingAddressIsRefused() {
        var r = request("not-an-address");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("Invalid email address", new JsonObject(r.body()).getString("error_message"));
        var browser = new Browser(server);
        browser.csrfToken();
        assertEquals(400, browser.json("POST", "/api/v1/recovery", new JsonObject()).statusCode());
        assertEquals(403, browser.jsonWithoutCsrf("POST", "/api/v1/recovery",
                new JsonObject().put("email", "dave@example.com")).statusCode(), "a browser session sends its CSRF token");
    }

    @Test
    void anExpiredCodeIsRefusedAndGone() {
        ok(request("dave@example.com"));
        String code = Recoveries.code(smtp, "dave@example.com");
        db.query("""
                UPDATE password_recovery SET expires_at = now() - interval '1 second'
                WHERE account_id = (SELECT id FROM account WHERE username = 'dave')""", Tuple.tuple());
        var r = new Browser(server).get("/recovery?code=" + code);
        assertEquals(404, r.statusCode(), r.body());
        assertEquals(0, db.query("SELECT count(*) FROM password_recovery WHERE code_hash = $1",
                Tuple.of(SecretCodes.sha256(code))).get(0).getLong(0));
    }

    @Test
    void anAccountHoldsAtMostFiveLiveCodesAndUsingOneDropsTheRest() {
        for (int i = 0; i < 7; i++) {
            assertEquals(new JsonObject().put("status", "sent"), new JsonObject(ok(request("erin@example.com")).body()));
        }
        assertEquals(RecoveryService.MAX_LIVE_CODES, liveCodes("erin"));
        Poll.until(Duration.ofSeconds(30), "five recovery mails to erin",
                () -> Recoveries.count(smtp, "erin@example.com") == RecoveryService.MAX_LIVE_CODES);
        assertEquals(303, new Browser(server).get("/recovery?code=" + Recoveries.code(smtp, "erin@example.com"))
                .statusCode());
        assertEquals(0, liveCodes("erin"));
    }

    @Test
    void aDisabledUsersCodeSignsNobodyIn() {
        ok(request("frank@example.com"));
        String code = Recoveries.code(smtp, "frank@example.com");
        db.query("UPDATE account SET enabled = FALSE WHERE username = 'frank'", Tuple.tuple());
        try {
            var r = new Browser(server).get("/recovery?code=" + code);
            assertEquals(404, r.statusCode(), r.body());
            assertEquals(0, db.query("""
                    SELECT count(*) FROM web_session WHERE account_id = (SELECT id FROM account WHERE username = 'frank')""",
                    Tuple.tuple()).get(0).getLong(0), "frank is not signed in");
            var refused = request("frank@example.com");
            assertEquals(new JsonObject().put("status", "sent"), new JsonObject(refused.body()));
            assertEquals(0, liveCodes("frank"), "a disabled user gets no code");
        } finally {
            db.query("UPDATE account SET enabled = TRUE WHERE username = 'frank'", Tuple.tuple());
        }
    }

    @Test
    void aSuperuserSendsAUserARecoveryMail() {
        String root = server.oauthToken("root");
        String path = "/superusers/users/grace/sendrecovery";
        long mailed = Recoveries.count(smtp, "grace@example.com");
        var r = http.api("POST", path, root, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new JsonObject().put("email", "grace@example.com"), new JsonObject(r.body()));
        Poll.until(Duration.ofSeconds(30), "grace's recovery mail",
                () -> Recoveries.count(smtp, "grace@example.com") == mailed + 1);

        var superuser = http.api("POST", "/superusers/users/root/sendrecovery", root, null);
        assertEquals(400, superuser.statusCode(), superuser.body());
        assertEquals("Cannot send a recovery email for a superuser",
                new JsonObject(superuser.body()).getString("error_message"));
        assertEquals(404, http.api("POST", "/superusers/users/nobody/sendrecovery", root, null).statusCode());
        assertEquals(403, http.api("POST", path, server.oauthToken("alice"), null).statusCode());
    }

    @Test
    void withoutMailThereIsNoRecovery() {
        try (TestServer plain = TestServer.start(Map.of("SUPER_USERS", List.of("admin")))) {
            plain.createUser("admin", "admin-password");
            plain.createUser("bob", "bob-password");
            var plainHttp = new RegistryHttp(plain);
            String admin = plain.oauthToken("admin");
            assertEquals(404, plainHttp.api("POST", "/recovery", admin,
                    new JsonObject().put("email", "bob@example.com")).statusCode());
            assertEquals(404, plainHttp.api("POST", "/superusers/users/bob/sendrecovery", admin, null).statusCode());
            var browser = new Browser(plain);
            assertEquals(404, browser.get("/recovery").statusCode());
            assertEquals(404, browser.get("/recovery?code=anything").statusCode());
            var signin = browser.get("/signin");
            assertEquals(200, signin.statusCode());
            assertFalse(signin.body().contains("Forgot your password?"), signin.body());
        }
    }
}
