package io.berth.registry.testing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Manifest requests of the OCI distribution API, for tests. */
public final class ManifestClient {
    private final RegistryHttp http;

    public ManifestClient(RegistryHttp http) {
        this.http = http;
    }

    public HttpResponse<String> put(String token, String path, String reference, String contentType, byte[] body) {
        var request = http.request("/v2/" + path + "/manifests/" + reference, token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) request.header("Content-Type", contentType);
        return http.send(request.build());
    }

    public HttpResponse<byte[]> get(String token, String path, String reference, String... accept) {
        var request = http.request("/v2/" + path + "/manifests/" + reference, token).GET();
        for (String a : accept) request.header("Accept", a);
        return http.sendBytes(request.build());
    }

    public HttpResponse<byte[]> head(String token, String path, String reference) {
        return http.sendBytes(http.request("/v2/" + path + "/manifests/" + reference, token)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> delete(String token, String path, String reference) {
        return http.send(http.request("/v2/" + path + "/manifests/" + reference, token).DELETE().build());
    }
}
