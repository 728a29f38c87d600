package io.berth.registry.oci;

import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.ManifestService;
import io.berth.registry.http.Http;
import io.berth.registry.http.Pagination;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v2/<name>/tags/list?n=&last=}: live tags in byte order. */
public final class TagListApi {
    private final BerthConfig config;
    private final V2Access access;
    private final ManifestService manifests;

    public TagListApi(BerthConfig config, V2Access access, ManifestService manifests) {
        this.config = config;
        this.access = access;
        this.manifests = manifests;
    }

    public void mount(Router v2) {
        v2.routeWithRegex(HttpMethod.GET, "/(?<name>.+)/tags/list").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        var name = access.name(ctx);
        var paging = Pagination.of(ctx, config.v2PaginationSize());
        access.pull(ctx, name)
                .compose(g -> manifests.listTags(g.repository(), paging.last(), paging.fetch())
                        .map(tags -> new JsonObject().put("name", g.repository().path())
                                .put("tags", new JsonArray(paging.page(ctx, "/v2/" + g.repository().path() + "/tags/list", tags)))))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }
}
