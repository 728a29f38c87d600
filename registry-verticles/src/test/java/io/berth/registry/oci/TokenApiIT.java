package io.berth.registry.oci;

import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenApiIT {
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.createUser("alice", "correct-horse");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void baseAnswersWithChallenge() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
        assertEquals("Bearer realm=\"http://" + server.hostPort() + "/v2/auth\",service=\"" + server.hostPort() + "\"",
                r.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void loginWithPasswordGivesTokenThatOpensBase() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/auth?service=" + server.hostPort()))
                .header("Authorization", basic("alice", "correct-horse")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String token = new io.vertx.core.json.JsonObject(r.body()).getString("token");
        var base = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, base.statusCode());
        assertEquals("true", base.body());
    }

    @Test
    void wrongPasswordIs401() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/auth"))
                .header("Authorization", basic("alice", "wrong")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("\"UNAUTHORIZED\""), r.body());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
