package io.berth.registry.auth;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing passwords gets slow: after three wrong passwords in a row a user's account answers 429 with Retry-After
 * (5 s, then doubling) on every password surface, even for the right password, until the wait is over; a success
 * clears the count. Time passing is simulated by moving the last failure back in the database.
 */
class LoginThrottleIT {
    static TestServer server;
    static RegistryHttp http;
    static Fixtures db;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new RegistryHttp(server);
        db = new Fixtures(server);
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void threeWrongPasswordsThrottleTheAccountEverywhereUntilTheWaitIsOver() {
        for (int i = 0; i < 3; i++) assertEquals(403, signIn("alice", "wrong").statusCode());

        var throttled = signIn("alice", "alice-password");
        assertEquals(429, throttled.statusCode(), throttled.body());
        long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        assertEquals("Too many login attempts.", new JsonObject(throttled.body()).getString("error_message"));

        var docker = v2Auth("alice", "alice-password");
        assertEquals(429, docker.statusCode(), docker.body());
        assertEquals("TOOMANYREQUESTS", new JsonObject(docker.body()).getJsonArray("errors").getJsonObject(0).getString("code"));
        assertTrue(docker.headers().firstValue("Retry-After").isPresent());

        assertEquals(200, signIn("bob", "bob-password").statusCode(), "other accounts are not affected");

        passTime("alice", 5);
        assertEquals(403, signIn("alice", "still-wrong").statusCode(), "one more try once the wait is over");
        var longer = signIn("alice", "alice-password");
        assertEquals(429, longer.statusCode(), "a fourth failure doubles the wait");
        assertTrue(Long.parseLong(longer.headers().firstValue("Retry-After").orElseThrow()) > 5, longer.headers().toString());

        passTime("alice", 10);
        assertEquals(200, v2Auth("alice", "alice-password").statusCode());
        assertEquals(403, signIn("alice", "wrong").statusCode(), "the success cleared the count: a wrong password is just wrong");
        assertEquals(200, signIn("alice", "alice-password").statusCode());
    }

    @Test
    void unknownUsersAreNeverThrottled() {
        for (int i = 0; i < 5; i++) assertEquals(403, signIn("nobody", "wrong").statusCode());
    }

    private static HttpResponse<String> signIn(String user, String password) {
        return new Browser(server).signIn(user, password);
    }

    private static HttpResponse<String> v2Auth(String user, String password) {
        return http.send(http.request("/v2/auth?service=" + server.hostPort(), null)
                .header("Authorization", RegistryHttp.basic(user, password)).GET().build());
    }

    /** As if {@code seconds} had passed since the last failure. */
    private static void passTime(String user, int seconds) {
        db.query("UPDATE account SET last_invalid_login = last_invalid_login - make_interval(secs => $2) WHERE username = $1",
                Tuple.of(user, seconds));
    }
}
