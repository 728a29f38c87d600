package io.berth.registry.ui;

import io.berth.registry.testing.Browser;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.TestServer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Times the Tags tab of a repository with {@code --tags} tags (1 000) as a signed-in writer loads it (not a test;
 * {@code scripts/bench-ui} runs it). The server's own time comes from the page's {@code Server-Timing} header, so the
 * client's overhead is not counted; the budget is 200 ms.
 */
public final class TagsPageBenchmark {
    private static final double BUDGET_MS = 200;

    private TagsPageBenchmark() {}

    public static void main(String[] args) {
        int tags = 1000;
        int requests = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--tags" -> tags = Integer.parseInt(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (var server = TestServer.start(Map.of())) {
            server.createUser("bench", "bench-password");
            Images.pushTagged(server, "bench", "bench/many",
                    java.util.stream.IntStream.range(0, tags).mapToObj("tag-%04d"::formatted).toList());
            var browser = Browser.signedIn(server, "bench", "bench-password");
            int lastPage = (tags + 49) / 50;
            System.out.printf("bench-ui: Tags tab of a repository with %d tags, %d requests per page%n", tags, requests);
            boolean withinBudget = true;
            for (String page : List.of("?tab=tags", "?tab=tags&page=" + lastPage, "?tab=tags&q=tag-09")) {
                withinBudget &= time(browser, "/repository/bench/many" + page, requests);
            }
            System.out.println(withinBudget ? "every median within " + BUDGET_MS + " ms" : "OVER BUDGET");
        }
    }

    /** Loads the page {@code requests} times after a warm-up; prints the server time's median, p95 and max. */
    private static boolean time(Browser browser, String path, int requests) {
        for (int i = 0; i < 20; i++) load(browser, path);
        var millis = new ArrayList<Double>(requests);
        long bytes = 0;
        for (int i = 0; i < requests; i++) {
            var response = load(browser, path);
            bytes = response.body().getBytes(StandardCharsets.UTF_8).length;
            String timing = response.headers().firstValue("Server-Timing").orElseThrow();
            millis.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
        }
        Collections.sort(millis);
        double median = millis.get(millis.size() / 2);
        System.out.printf("%-40s median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%d KB of HTML)%n", path, median,
                millis.get((int) Math.ceil(millis.size() * 0.95) - 1), millis.getLast(), bytes / 1024);
        return median <= BUDGET_MS;
    }

    private static HttpResponse<String> load(Browser browser, String path) {
        var response = browser.get(path);
        if (response.statusCode() != 200) throw new IllegalStateException(path + " answered " + response.statusCode());
        return response;
    }
}
