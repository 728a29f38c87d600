package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.oci.MediaTypes;
import io.berth.model.ref.Tag;
import io.berth.registry.auth.Identity;
import io.berth.registry.content.TagRepository.TagRow;
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

import java.util.List;
import java.util.function.BiFunction;

/** Quay's tag API (quay-api.md §3.8): history, create or move, expiration, delete, restore, permanent removal. */
public final class TagApi {
    private static final String TAG = "/repository/(?<namespace>[^/]+)/(?<name>.+)/tag/(?<tag>[^/]+)";

    private final RepositoryService repositories;
    private final TagService tags;
    private final boolean permanentlyDelete;

    public TagApi(RepositoryService repositories, TagService tags, boolean permanentlyDelete) {
        this.repositories = repositories;
        this.tags = tags;
        this.permanentlyDelete = permanentlyDelete;
    }

    /** Mount before the repository routes, whose repository name would swallow {@code /tag/…}. */
    public void mount(Router api) {
        api.routeWithRegex(HttpMethod.GET, "/repository/(?<namespace>[^/]+)/(?<name>.+)/tag/?").handler(this::list);
        api.routeWithRegex(HttpMethod.POST, TAG + "/restore").handler(this::restore);
        if (permanentlyDelete) api.routeWithRegex(HttpMethod.POST, TAG + "/expire").handler(this::expire);
        api.routeWithRegex(HttpMethod.PUT, TAG).handler(this::update);
        api.routeWithRegex(HttpMethod.DELETE, TAG).handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        String specific = emptyToNull(ctx.queryParams().get("specificTag"));
        int page = Math.max(1, integer(ctx, "page", 1));
        int limit = Math.clamp(integer(ctx, "limit", 50), 1, 100);
        boolean onlyActive = Http.flag(ctx, "onlyActiveTags", false);
        String equals = null;
        String contains = null;
        String filter = emptyToNull(ctx.queryParams().get("filter_tag_name"));
        if (filter != null) {
            String[] parts = filter.split(":", 2);
            if (parts.length != 2 || !(parts[0].equals("like") || parts[0].equals("eq"))) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Unsupported syntax for filter_tag_name. "
                        + "Expected <operation>:<tag_name> where <operation> can be 'like' or 'eq'.");
            }
            if (parts[0].equals("like")) contains = parts[1];
            else equals = parts[1];
        }
        var query = new TagRepository.Filter(specific, equals, contains, onlyActive);
        repositories.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"),
                        Role.READ, "repo:read")
                .compose(a -> tags.history(a.repository(), query, page, limit))
                .onSuccess(p -> {
                    var list = new JsonArray();
                    p.tags().forEach(row -> list.add(json(row)));
                    Http.json(ctx, 200, new JsonObject().put("tags", list).put("page", page)
                            .put("has_additional", p.hasAdditional()));
                })
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        Number expiration = Http.optional(body, "expiration", Number.class, "number");
        if (expiration != null && expiration.doubleValue() <= System.currentTimeMillis() / 1000.0) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Expiration must be in the future");
        }
        var update = new TagService.Update(body.containsKey("expiration"),
                expiration == null ? null : expiration.longValue(),
                body.containsKey("manifest_digest"), Http.optionalString(body, "manifest_digest"));
        write(ctx, (actor, tag) -> tags.update(actor, tag, update).<Object>map("Updated"), 201);
    }

    private void delete(RoutingContext ctx) {
        write(ctx, (actor, tag) -> tags.delete(actor, tag).compose(found -> found ? Future.succeededFuture(null)
                : Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))), 204);
    }

    private void restore(RoutingContext ctx) {
        String digest = Http.optionalString(Http.jsonBody(ctx), "manifest_digest");
        if (digest == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "Missing manifest_digest");
        write(ctx, (actor, tag) -> tags.restore(actor, tag, digest).<Object>map(new JsonObject()), 200);
    }

    /** Quay's {@code ExpireTag}: {@code manifest_digest} is ignored with {@code is_alive}, required without it. */
    private void expire(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        boolean alive = Boolean.TRUE.equals(Http.optional(body, "is_alive", Boolean.class, "boolean"));
        boolean children = Boolean.TRUE.equals(Http.optional(body, "include_submanifests", Boolean.class, "boolean"));
        String digest = Http.optionalString(body, "manifest_digest");
        if (!alive && digest == null) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "manifest_digest required when is_alive set to false");
        }
        write(ctx, (actor, tag) -> tags.removeFromTimeMachine(actor, tag, digest, alive, children).<Object>map(""), 200);
    }

    /** A tag change: needs write access, a valid tag name; answers {@code status} with the action's result. */
    private void write(RoutingContext ctx, BiFunction<ManifestService.Actor, String, Future<Object>> action,
                       int status) {
        String tag = ctx.pathParam("tag");
        if (!Tag.valid(tag)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "Invalid tag: must match [A-Za-z0-9_.-], NOT start with \".\" or \"-\", and can contain 1-128 characters");
        }
        Identity who = ApiAuth.identity(ctx);
        repositories.authorize(who, ctx.pathParam("namespace"), ctx.pathParam("name"), Role.WRITE, "repo:write")
                .compose(a -> action.apply(new ManifestService.Actor(a.repository(), who, Http.clientIp(ctx)), tag))
                .onSuccess(result -> {
                    if (status == 204) ctx.response().setStatusCode(204).end();
                    else Http.json(ctx, status, result);
                })
                .onFailure(ctx::fail);
    }

    /** Quay's tag object: start and end as unix seconds, {@code last_modified} and {@code expiration} as dates. */
    public static JsonObject json(TagRow row) {
        var tag = new JsonObject().put("name", row.name()).put("reversion", row.reversion())
                .put("start_ts", row.start().toEpochSecond());
        if (row.ends() != null) tag.put("end_ts", row.ends().toEpochSecond());
        boolean index = MediaTypes.isIndex(row.mediaType());
        tag.put("manifest_digest", row.manifestDigest()).put("is_manifest_list", index).put("size", row.layersSize())
                .put("last_modified", Dates.rfc2822(row.start()));
        if (row.ends() != null) tag.put("expiration", Dates.rfc2822(row.ends()));
        if (index) {
            // every child of an index is in the repository (pushes require them): never sparse
            var presence = new JsonObject();
            List<String> children = row.children() == null ? List.of() : row.children();
            children.forEach(d -> presence.put(d, true));
            tag.put("is_sparse", false).put("child_manifest_count", children.size())
                    .put("present_child_count", children.size()).put("child_manifests_presence", presence);
        }
        return tag;
    }

    private static int integer(RoutingContext ctx, String name, int fallback) {
        String value = ctx.queryParams().get(name);
        if (value == null || value.isEmpty()) return fallback;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, name + " must be an integer");
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
