package io.berth.registry.testing;

import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Follows the UI's GET links from start pages, as a visitor clicking around would, without ever posting a form. */
public final class Crawler {
    /** Same-origin links: absolute paths, and queries on the current page (the tabs). */
    private static final Pattern LINK = Pattern.compile("href=\"([/?][^\"#]*)");

    private Crawler() {}

    /** Every page reachable from {@code start}, at most {@code max}: path → response, in the order reached. */
    public static Map<String, HttpResponse<String>> crawl(Browser browser, Collection<String> start, int max) {
        var seen = new LinkedHashMap<String, HttpResponse<String>>();
        var queue = new ArrayDeque<>(start);
        var queued = new HashSet<>(queue);
        while (!queue.isEmpty() && seen.size() < max) {
            String path = queue.poll();
            var response = browser.get(path);
            seen.put(path, response);
            var links = LINK.matcher(response.body());
            while (links.find()) {
                String link = links.group(1).replace("&amp;", "&");
                if (link.startsWith("?")) link = path.split("\\?", 2)[0] + link;
                if (link.startsWith("/static/") || link.startsWith("/webjars/") || !queued.add(link)) continue;
                queue.add(link);
            }
        }
        return seen;
    }

    /** Whether the response is an HTML page (not a downloaded log, say). */
    public static boolean html(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
    }
}
