package io.berth.registry.testing;

import io.berth.model.oci.Digester;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Blob helpers for /v2 integration tests: content, digests, and pushes through the HTTP API. */
public final class Blobs {
    private Blobs() {}

    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        return Digester.sha256(bytes).toString();
    }

    public static String sha512(byte[] bytes) {
        return Digester.of("sha512", bytes).toString();
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Pushes a blob with a monolithic POST and checks the 201; returns its sha256 digest. */
    public static String push(RegistryHttp http, String repository, String token, byte[] bytes) {
        String digest = sha256(bytes);
        var response = http.send(http.request("/v2/" + repository + "/blobs/uploads/?digest=" + query(digest), token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        assertEquals(201, response.statusCode(), response.body());
        return digest;
    }

    /** Starts an upload session and returns its Location. */
    public static String start(RegistryHttp http, String repository, String token) {
        var response = http.send(http.request("/v2/" + repository + "/blobs/uploads/", token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, response.statusCode(), response.body());
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** The {@code code} of the first error of an OCI error body. */
    public static String errorCode(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonArray("errors").getJsonObject(0).getString("code");
    }
}
