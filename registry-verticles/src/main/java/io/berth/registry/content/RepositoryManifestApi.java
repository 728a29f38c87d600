package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.registry.auth.Identity;
import io.berth.registry.content.LabelRepository.Label;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Dates;
import io.berth.registry.http.Http;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Quay's manifest view and manifest labels (quay-api.md §3.9). */
public final class RepositoryManifestApi {
    private static final String MANIFEST =
            "/repository/(?<namespace>[^/]+)/(?<name>.+)/manifest/(?<digest>[A-Za-z0-9_+.-]+:[A-Fa-f0-9]+)";

    private final RepositoryService repositories;
    private final ManifestService manifests;
    private final LabelService labels;

    public RepositoryManifestApi(RepositoryService repositories, ManifestService manifests, LabelService labels) {
        this.repositories = repositories;
        this.manifests = manifests;
        this.labels = labels;
    }

    /** Mount before the repository routes, whose repository name would swallow {@code /manifest/…}. */
    public void mount(Router api) {
        api.routeWithRegex(HttpMethod.GET, MANIFEST).handler(this::view);
        api.routeWithRegex(HttpMethod.GET, MANIFEST + "/labels").handler(this::listLabels);
        api.routeWithRegex(HttpMethod.POST, MANIFEST + "/labels").handler(this::addLabel);
        api.routeWithRegex(HttpMethod.GET, MANIFEST + "/labels/(?<label>[^/]+)").handler(this::getLabel);
        api.routeWithRegex(HttpMethod.DELETE, MANIFEST + "/labels/(?<label>[^/]+)").handler(this::deleteLabel);
    }

    private void view(RoutingContext ctx) {
        access(ctx, Role.READ, "repo:read")
                .compose(a -> manifests.describe(a.repository(), ctx.pathParam("digest")))
                .onSuccess(d -> {
                    JsonArray layers = null;
                    if (d.layers() != null) {
                        layers = new JsonArray();
                        for (var l : d.layers()) {
                            layers.add(new JsonObject().put("index", l.index()).put("compressed_size", l.compressedSize())
                                    .put("is_remote", l.remote()).put("urls", l.urls()).put("command", l.command())
                                    .put("comment", l.comment()).put("author", l.author())
                                    .put("blob_digest", l.blobDigest()).put("created_datetime", Dates.rfc2822(l.created())));
                        }
                    }
                    Http.json(ctx, 200, new JsonObject().put("digest", d.manifest().digest())
                            .put("is_manifest_list", d.index())
                            .put("manifest_data", d.manifest().content().toString())
                            .put("config_media_type", d.configMediaType())
                            .put("layers_compressed_size", d.manifest().layersSize())
                            .put("layers", layers));
                })
                .onFailure(ctx::fail);
    }

    private void listLabels(RoutingContext ctx) {
        String filter = ctx.queryParams().get("filter");
        access(ctx, Role.READ, "repo:read")
                .compose(a -> labels.list(a.repository(), ctx.pathParam("digest"), filter == null || filter.isEmpty() ? null : filter))
                .onSuccess(list -> {
                    var out = new JsonArray();
                    list.forEach(l -> out.add(json(l)));
                    Http.json(ctx, 200, new JsonObject().put("labels", out));
                })
                .onFailure(ctx::fail);
    }

    private void getLabel(RoutingContext ctx) {
        access(ctx, Role.READ, "repo:read")
                .compose(a -> labels.get(a.repository(), ctx.pathParam("digest"), ctx.pathParam("label")))
                .onSuccess(l -> Http.json(ctx, 200, json(l)))
                .onFailure(ctx::fail);
    }

    private void addLabel(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String key = Http.requiredString(body, "key");
        String value = Http.requiredString(body, "value");
        // required, but may be null (then guessed from the value)
        if (!body.containsKey("media_type")) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "'media_type' is a required property");
        }
        String mediaType = Http.optionalString(body, "media_type");
        Identity who = ApiAuth.identity(ctx);
        String digest = ctx.pathParam("digest");
        access(ctx, Role.WRITE, "repo:write")
                .compose(a -> labels.add(new ManifestService.Actor(a.repository(), who, Http.clientIp(ctx)), digest,
                        key, value, mediaType)
                        .onSuccess(l -> ctx.response().putHeader("Location", "/api/v1/repository/"
                                + a.repository().path() + "/manifest/" + digest + "/labels/" + l.id())))
                .onSuccess(l -> Http.json(ctx, 201, new JsonObject().put("label", json(l))))
                .onFailure(ctx::fail);
    }

    private void deleteLabel(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        access(ctx, Role.WRITE, "repo:write")
                .compose(a -> labels.delete(new ManifestService.Actor(a.repository(), who, Http.clientIp(ctx)),
                        ctx.pathParam("digest"), ctx.pathParam("label")))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private Future<RepositoryService.Access> access(RoutingContext ctx, Role needed, String scope) {
        return repositories.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"),
                needed, scope);
    }

    private static JsonObject json(Label l) {
        return new JsonObject().put("id", l.id()).put("key", l.key()).put("value", l.value())
                .put("source_type", l.sourceType()).put("media_type", l.mediaType());
    }
}
