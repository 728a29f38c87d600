package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digest;
import io.berth.model.oci.MediaTypes;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.ManifestService;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}: an OCI image index of the repository's manifests whose
 * subject is the digest. An unknown subject gives an empty index, as distribution-spec 1.1 requires (Quay answers
 * 400 there).
 */
public final class ReferrersApi {
    private final BerthConfig config;
    private final V2Access access;
    private final ManifestService manifests;

    public ReferrersApi(BerthConfig config, V2Access access, ManifestService manifests) {
        this.config = config;
        this.access = access;
        this.manifests = manifests;
    }

    public void mount(Router v2) {
        v2.routeWithRegex(HttpMethod.GET, "/(?<name>.+)/referrers/(?<digest>[^/]+)").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        if (!config.featureReferrersApi()) {
            ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "page not found"));
            return;
        }
        var name = access.name(ctx);
        String artifactType = ctx.request().getParam("artifactType");
        String filter = artifactType == null || artifactType.isEmpty() ? null : artifactType;
        access.pull(ctx, name)
                .compose(g -> manifests.referrers(g.repository(), Digest.parse(ctx.pathParam("digest")), filter))
                .onSuccess(referrers -> {
                    var list = new JsonArray();
                    for (var r : referrers) {
                        var descriptor = new JsonObject().put("mediaType", r.mediaType()).put("digest", r.digest())
                                .put("size", r.size());
                        if (r.artifactType() != null) descriptor.put("artifactType", r.artifactType());
                        if (r.annotations() != null && !r.annotations().isEmpty()) descriptor.put("annotations", r.annotations());
                        list.add(descriptor);
                    }
                    var index = new JsonObject().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX)
                            .put("manifests", list);
                    if (filter != null) ctx.response().putHeader("OCI-Filters-Applied", "artifactType");
                    ctx.response().setStatusCode(200).putHeader("Content-Type", MediaTypes.OCI_INDEX).end(index.encode());
                })
                .onFailure(ctx::fail);
    }
}
