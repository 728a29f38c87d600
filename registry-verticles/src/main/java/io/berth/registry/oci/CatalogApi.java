package io.berth.registry.oci;

import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.Http;
import io.berth.registry.http.Pagination;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v2/_catalog?n=&last=}: the repositories the caller may read, by path. Public repositories of others are
 * listed only with FEATURE_PUBLIC_CATALOG. Unlike Quay (opaque {@code next_page} cursor), {@code last} is the standard
 * repository path.
 */
public final class CatalogApi {
    private final BerthConfig config;
    private final V2Access access;
    private final RepositoryService repositories;

    public CatalogApi(BerthConfig config, V2Access access, RepositoryService repositories) {
        this.config = config;
        this.access = access;
        this.repositories = repositories;
    }

    public void mount(Router v2) {
        v2.get("/_catalog").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        var paging = Pagination.of(ctx, config.v2PaginationSize());
        var who = access.claims(ctx).identity();
        boolean publicOnes = config.featurePublicCatalog() && (!who.anonymous() || config.featureAnonymousAccess());
        repositories.listReadable(who, publicOnes, paging.last(), paging.fetch())
                .map(repos -> new JsonObject().put("repositories",
                        new JsonArray(paging.page(ctx, "/v2/_catalog", repos.stream().map(RepositoryRecord::path).toList()))))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }
}
