package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The distribution spec's {@code n}/{@code last} paging for /v2 lists: {@code n} items after {@code last} (exclusive),
 * and a {@code Link: <...?n=&last=>; rel="next"} header while more remain.
 */
public record Pagination(int n, String last) {
    /** {@code n} defaults to and is capped at {@code max}; a value that is not a non-negative integer is a 400. */
    public static Pagination of(RoutingContext ctx, int max) {
        String nParam = ctx.request().getParam("n");
        int n = max;
        if (nParam != null && !nParam.isEmpty()) {
            try {
                n = Math.min(Integer.parseInt(nParam), max);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) throw new BerthException(ErrorCode.INVALID_REQUEST, "n must be a non-negative integer");
        }
        String last = ctx.request().getParam("last");
        return new Pagination(n, last == null || last.isEmpty() ? null : last);
    }

    /** How many items to fetch: one more than a page, to learn whether another page follows. */
    public int fetch() { return n + 1; }

    /**
     * Cuts a fetched list to one page and, when items were left over, sets the {@code Link} header to the next page.
     *
     * @param path the list's path, e.g. {@code /v2/ns/repo/tags/list}
     */
    public List<String> page(RoutingContext ctx, String path, List<String> fetched) {
        if (n == 0) return List.of();
        if (fetched.size() <= n) return fetched;
        List<String> page = fetched.subList(0, n);
        String next = path + "?n=" + n + "&last=" + URLEncoder.encode(page.get(n - 1), StandardCharsets.UTF_8);
        ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
        return page;
    }
}
