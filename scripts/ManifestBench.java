import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Request-rate benchmark of the /v2 metadata path, where every request writes a usage-log entry: pushes COUNT small
 * manifests (one tag each) and pulls them back, from CONCURRENCY client threads, and prints requests per second.
 * JDK only, run by scripts/bench-logs:  java scripts/ManifestBench.java URL USER PASSWORD COUNT CONCURRENCY
 */
public final class ManifestBench {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        int count = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        String repo = user + "/manifests";
        String host = URI.create(url).getAuthority();
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        var auth = send(HttpRequest.newBuilder(URI.create(url + "/v2/auth?service=" + host + "&scope=repository:"
                + repo + ":pull,push")).header("Authorization", "Basic " + basic).build(), 200);
        String token = auth.replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");

        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "bench layer".getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(config, layer)) {
            send(HttpRequest.newBuilder(URI.create(url + "/v2/" + repo + "/blobs/uploads/?digest=" + digest(blob)))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), 201);
        }
        String template = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + digest(layer) + "\",\"size\":" + layer.length + "}],\"annotations\":{\"n\":\"%d\"}}";

        double push = run(count, concurrency, i -> HttpRequest.newBuilder(URI.create(url + "/v2/" + repo + "/manifests/t" + i))
                .header("Authorization", "Bearer " + token).header("Content-Type", OCI_MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofString(template.formatted(i))).build(), 201);
        double pull = run(count, concurrency, i -> HttpRequest.newBuilder(URI.create(url + "/v2/" + repo + "/manifests/t" + i))
                .header("Authorization", "Bearer " + token).header("Accept", OCI_MANIFEST).GET().build(), 200);
        System.out.printf("push: %d manifests in %.2fs = %.0f/s%n", count, count / push, push);
        System.out.printf("pull: %d manifests in %.2fs = %.0f/s%n", count, count / pull, pull);
    }

    /** Sends the requests from {@code concurrency} threads; returns requests per second. */
    static double run(int count, int concurrency, IntFunction<HttpRequest> request, int status) throws Exception {
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < count; i += concurrency) send(request.apply(i), status);
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    static String send(HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String digest(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
