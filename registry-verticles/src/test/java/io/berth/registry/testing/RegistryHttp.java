package io.berth.registry.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A plain HTTP client for integration tests of one test server: tokens, and requests with or without one. */
public final class RegistryHttp {
    private final TestServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public RegistryHttp(TestServer server) {
        this.server = server;
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A registry token from {@code /v2/auth} for the given scopes, e.g. {@code repository:alice/app:pull,push}. */
    public String token(String user, String password, String... scopes) {
        var url = new StringBuilder(server.baseUrl() + "/v2/auth?service=" + server.hostPort());
        for (String scope : scopes) url.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(url.toString()));
        if (user != null) request.header("Authorization", basic(user, password));
        var response = send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
        }
        return new JsonObject(response.body()).getString("token");
    }

    /** A request builder for a path on the server, with {@code Authorization: Bearer} when a token is given. */
    public HttpRequest.Builder request(String path, String bearer) {
        var builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : server.baseUrl() + path));
        if (bearer != null) builder.header("Authorization", "Bearer " + bearer);
        return builder;
    }

    /** An /api/v1 call ({@code path} below {@code /api/v1}) with an optional JSON body and bearer token. */
    public HttpResponse<String> api(String method, String path, String bearer, JsonObject body) {
        var request = request("/api/v1" + path, bearer);
        if (body != null) request.header("Content-Type", "application/json");
        return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    /** An /api/v1 call with a raw body, for malformed input. */
    public HttpResponse<String> apiRaw(String method, String path, String bearer, String body) {
        return send(request("/api/v1" + path, bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Asserts a 2xx answer (showing the body otherwise) and passes it on. */
    public static HttpResponse<String> ok(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("expected success, was " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    /** The body as a JSON object. */
    public static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    /** {@code POST /api/v1/user/initialize} for the first user, with an all-scopes OAuth token, which it returns. */
    public String initialize(String user, String password) {
        var r = api("POST", "/user/initialize", null, new JsonObject().put("username", user).put("password", password)
                .put("email", user + "@example.com").put("access_token", true));
        if (r.statusCode() != 200) throw new IllegalStateException("initialize failed: " + r.statusCode() + " " + r.body());
        return new JsonObject(r.body()).getString("access_token");
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> sendBytes(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
