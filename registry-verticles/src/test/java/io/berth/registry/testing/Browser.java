package io.berth.registry.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A browser talking to one test server: keeps the session cookie it is given, fetches CSRF tokens as Quay's UI does
 * ({@code GET /csrf_token}, then {@code X-Next-CSRF-Token}), and never follows redirects, so tests can read them.
 */
public final class Browser {
    private static final String COOKIE = "berth_session";

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String session;
    private String csrf;

    public Browser(TestServer server) {
        this(server.baseUrl());
    }

    private Browser(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The same cookie, used against another node (to show sessions live in the shared database). */
    public Browser on(TestServer other) {
        var copy = new Browser(other.baseUrl());
        copy.session = session;
        copy.csrf = csrf;
        return copy;
    }

    /** The same cookie with another CSRF token (one from someone else's session, say). */
    public Browser withCsrf(String token) {
        var copy = new Browser(baseUrl);
        copy.session = session;
        copy.csrf = token;
        return copy;
    }

    /** A browser that signed in and got a 200. */
    public static Browser signedIn(TestServer server, String user, String password) {
        var browser = new Browser(server);
        var r = browser.signIn(user, password);
        assertEquals(200, r.statusCode(), r.body());
        return browser;
    }

    public String session() { return session; }

    public String csrfToken() {
        var r = send(HttpRequest.newBuilder(uri("/csrf_token")).GET());
        assertEquals(200, r.statusCode(), r.body());
        csrf = new JsonObject(r.body()).getString("csrf_token");
        return csrf;
    }

    public HttpResponse<String> signIn(String user, String password) {
        if (csrf == null) csrfToken();
        return json("POST", "/api/v1/signin", new JsonObject().put("username", user).put("password", password));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A GET with extra headers (a browser's User-Agent, say). */
    public HttpResponse<String> get(String path, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** A JSON request with the CSRF token the browser holds. */
    public HttpResponse<String> json(String method, String path, JsonObject body) {
        return send(jsonRequest(method, path, body).header("X-CSRF-Token", csrf == null ? "" : csrf));
    }

    /** A request whose body is sent as is (malformed JSON, say), with the CSRF token. */
    public HttpResponse<String> raw(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrf == null ? "" : csrf).method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The same without any CSRF token, as a forged cross-site request would come. */
    public HttpResponse<String> jsonWithoutCsrf(String method, String path, JsonObject body) {
        return send(jsonRequest(method, path, body));
    }

    /** A form post (the consent page's), fields in order. */
    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        String form = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /**
     * A multipart form post (the Start New Build form's): the fields in order, then, unless {@code fileName} is
     * null, one file part named {@code fileField}.
     */
    public HttpResponse<String> postMultipart(String path, Map<String, String> fields, String fileField,
                                              String fileName, byte[] content) {
        String boundary = "berth-test-" + java.util.UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        if (fileName != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** The hidden fields of the first form of a page (the consent page's), by name. */
    public static Map<String, String> hiddenFields(String html) {
        var fields = new LinkedHashMap<String, String>();
        String form = html.substring(html.indexOf("<form"), html.indexOf("</form>"));
        var m = java.util.regex.Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(form);
        while (m.find()) fields.put(m.group(1), unescape(m.group(2)));
        return fields;
    }

    private HttpRequest.Builder jsonRequest(String method, String path, JsonObject body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (session != null) request.header("Cookie", COOKIE + "=" + session);
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response.headers().allValues("Set-Cookie").forEach(this::remember);
            response.headers().firstValue("X-Next-CSRF-Token").ifPresent(t -> csrf = t);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void remember(String setCookie) {
        if (!setCookie.startsWith(COOKIE + "=")) return;
        String value = setCookie.substring(COOKIE.length() + 1).split(";", 2)[0];
        boolean cleared = value.isEmpty() || setCookie.toLowerCase().contains("max-age=0");
        session = cleared ? null : value;
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
