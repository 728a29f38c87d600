package io.berth.registry.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** /api/v1 requests with an OAuth bearer token (or none), for tests. */
public final class ApiClient {
    private final RegistryHttp http;

    public ApiClient(RegistryHttp http) {
        this.http = http;
    }

    public HttpResponse<String> get(String path, String token) {
        return http.send(http.request("/api/v1" + path, token).GET().build());
    }

    /** A request with a JSON body ({@code null}: none). */
    public HttpResponse<String> send(String method, String path, String token, JsonObject body) {
        var request = http.request("/api/v1" + path, token);
        if (body == null) return http.send(request.method(method, HttpRequest.BodyPublishers.noBody()).build());
        return http.send(request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    public HttpResponse<String> delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** The response body as a JSON object. */
    public static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }
}
