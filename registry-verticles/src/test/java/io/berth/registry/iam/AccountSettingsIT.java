package io.berth.registry.iam;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Account settings (quay-api.md §3.16): password and e-mail changes (with and without a confirmation mail, through
 * a real SMTP server) and profile fields.
 */
class AccountSettingsIT {
    static GreenMail smtp;
    static TestServer server;
    static TestServer mailing;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        int port = TestServer.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailing = TestServer.start(Map.of("MAIL_SERVER", "127.0.0.1", "MAIL_PORT", port, "MAIL_USE_TLS", false,
                "MAIL_DEFAULT_SENDER", "berth@example.com"));
    }

    @AfterAll
    static void stop() {
        server.close();
        mailing.close();
        smtp.stop();
    }

    private static int count(String sql, Object... params) {
        return db.query(sql, Tuple.from(params)).get(0).getInteger(0);
    }

    @Test
    void aNewPasswordEndsTheOtherSessions() {
        server.createUser("pat", "pat-password-1");
        var here = Browser.signedIn(server, "pat", "pat-password-1");
        var elsewhere = Browser.signedIn(server, "pat", "pat-password-1");
        var r = here.json("PUT", "/api/v1/user/", new JsonObject().put("password", "pat-password-2"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(200, here.get("/api/v1/user/").statusCode(), "the session that changed it goes on");
        assertEquals(401, elsewhere.get("/api/v1/user/").statusCode(), "every other session ends");
        assertThrows(IllegalStateException.class, () -> http.token("pat", "pat-password-1"));
        http.token("pat", "pat-password-2");
        assertEquals(200, new Browser(server).signIn("pat", "pat-password-2").statusCode());

        var weak = here.json("PUT", "/api/v1/user/", new JsonObject().put("password", "short"));
        assertEquals(400, weak.statusCode());
        db.flushUsageLog();
        assertEquals(1, count("""
                SELECT count(*) FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'pat' AND l.kind = 'user_change_password'"""));
    }

    @Test
    void withoutMailTheEmailChangesAtOnce() {
        server.createUser("eve", "eve-password");
        var browser = Browser.signedIn(server, "eve", "eve-password");
        var r = browser.json("PUT", "/api/v1/user/", new JsonObject().put("email", "eve@new.example")
                .put("company", "Acme").put("location", "Berlin").put("given_name", "Eve"));
        assertEquals(200, r.statusCode(), r.body());
        var view = new JsonObject(r.body());
        assertEquals("eve@new.example", view.getString("email"));
        assertEquals("Acme", view.getString("company"));
        assertEquals("Berlin", view.getString("location"));
        assertEquals("Eve", view.getString("given_name"));
        assertEquals(200, new Browser(server).signIn("eve@new.example", "eve-password").statusCode());

        server.createUser("taken", "taken-password");
        var used = browser.json("PUT", "/api/v1/user/", new JsonObject().put("email", "taken@example.com"));
        assertEquals(400, used.statusCode());
        assertEquals("E-mail address already used", new JsonObject(used.body()).getString("message"));
        assertEquals(400, browser.json("PUT", "/api/v1/user/", new JsonObject().put("email", "not-an-address")).statusCode());
        assertEquals(400, browser.json("PUT", "/api/v1/user/", new JsonObject().put("company", "x".repeat(256))).statusCode());
        assertEquals(400, browser.json("PUT", "/api/v1/user/", new JsonObject().put("email", 12)).statusCode());
        assertEquals(400, browser.raw("PUT", "/api/v1/user/", "{\"email\": ").statusCode());
        db.flushUsageLog();
        assertEquals(1, count("""
                SELECT count(*) FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'eve' AND l.kind = 'user_change_email' AND l.metadata->>'email' = 'eve@new.example'"""));
    }

    @Test
    void withMailTheEmailChangesWhenTheMailedLinkIsFollowed() throws Exception {
        mailing.createUser("mia", "mia-password");
        var browser = Browser.signedIn(mailing, "mia", "mia-password");
        var r = browser.json("PUT", "/api/v1/user/", new JsonObject().put("email", "mia@new.example"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("mia@example.com", new JsonObject(r.body()).getString("email"), "not changed until confirmed");

        assertTrue(smtp.waitForIncomingEmail(10_000, 1));
        var message = java.util.Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        return m.getAllRecipients()[0].toString().equals("mia@new.example");
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .findFirst().orElseThrow();
        String text = new String(message.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var link = Pattern.compile(Pattern.quote(mailing.baseUrl()) + "(/confirm\\?code=[A-Za-z0-9]+)").matcher(text);
        assertTrue(link.find(), text);

        var wrong = browser.get("/confirm?code=" + "A".repeat(40));
        assertEquals(400, wrong.statusCode());
        assertEquals("mia@example.com", new JsonObject(browser.get("/api/v1/user/").body()).getString("email"));

        var confirmed = new Browser(mailing).get(link.group(1));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        assertTrue(confirmed.body().contains("mia@new.example"));
        var me = new JsonObject(browser.get("/api/v1/user/").body());
        assertEquals("mia@new.example", me.getString("email"));
        assertTrue(me.getBoolean("verified"));
        assertEquals(400, new Browser(mailing).get(link.group(1)).statusCode(), "a link works once");
    }

    @Test
    void withMailASignUpsAddressIsVerifiedByTheMailedLink() {
        var browser = new Browser(mailing);
        browser.csrfToken();
        var created = browser.json("POST", "/api/v1/user/", new JsonObject().put("username", "nora")
                .put("password", "nora-password").put("email", "nora@signup.example"));
        assertEquals(200, created.statusCode(), created.body());
        assertEquals(false, new JsonObject(created.body()).getBoolean("verified"), created.body());

        var link = io.berth.registry.testing.Mails.newest(smtp, "nora@signup.example",
                Pattern.compile(Pattern.quote(mailing.baseUrl()) + "(/confirm\\?code=[A-Za-z0-9]+)"));
        var confirmed = new Browser(mailing).get(link.group(1));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        var me = new JsonObject(browser.get("/api/v1/user/").body());
        assertTrue(me.getBoolean("verified"), me.encode());
        assertEquals("nora@signup.example", me.getString("email"));
        db.flushUsageLog();
        assertEquals(0, count("""
                SELECT count(*) FROM usage_log l JOIN account a ON a.id = l.namespace_id
                WHERE a.username = 'nora' AND l.kind = 'user_change_email'"""), "confirming does not change the address");
    }
}
