package io.berth.registry.repo;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.content.TagApi;
import io.berth.registry.content.TagService;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Quay's repository REST API (quay-api.md §3.5). */
public final class RepositoryApi {
    private static final int PAGE = 100;
    private static final Set<String> VISIBILITIES = Set.of("public", "private");

    /** Quay's cap on the tags a repository view lists. */
    private static final int MAX_TAGS = 500;

    private final Pool pool;
    private final RepositoryService service;
    private final RepositoryRepository rows;
    private final TagService tags;

    public RepositoryApi(Pool pool, RepositoryService service, RepositoryRepository rows, TagService tags) {
        this.pool = pool;
        this.service = service;
        this.rows = rows;
        this.tags = tags;
    }

    public void mount(Router api) {
        api.post("/repository").handler(this::create);
        api.get("/repository").handler(this::list);
        String repo = "/repository/(?<namespace>[^/]+)/(?<name>.+?)";
        api.routeWithRegex(HttpMethod.POST, repo + "/changevisibility").handler(this::changeVisibility);
        api.routeWithRegex(HttpMethod.GET, repo).handler(this::get);
        api.routeWithRegex(HttpMethod.PUT, repo).handler(this::update);
        api.routeWithRegex(HttpMethod.DELETE, repo).handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "repo:create");
        JsonObject body = Http.jsonBody(ctx);
        String namespace = body.getString("namespace", who.username());
        String visibility = body.getString("visibility");
        String description = body.getString("description");
        if (!VISIBILITIES.contains(visibility)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "visibility must be public or private");
        }
        if (description == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "'description' is a required property");
        RepositoryName name;
        try {
            name = new RepositoryName(namespace, body.getString("repository"));
        } catch (BerthException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid repository name");
        }
        service.create(who, name, visibility, description, false, Http.clientIp(ctx))
                .onSuccess(r -> Http.json(ctx, 201, new JsonObject()
                        .put("namespace", r.namespace()).put("name", r.name()).put("kind", r.kind())))
                .onFailure(err -> ctx.fail(err instanceof BerthException be && be.code() == ErrorCode.CONFLICT
                        ? new BerthException(ErrorCode.INVALID_REQUEST, "Repository already exists") : err));
    }

    private void list(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (!who.anonymous()) ApiAuth.require(ctx, "repo:read");
        String namespace = ctx.queryParams().get("namespace");
        boolean isPublic = "true".equalsIgnoreCase(ctx.queryParams().get("public"));
        boolean starred = "true".equalsIgnoreCase(ctx.queryParams().get("starred"));
        if (namespace == null && !isPublic && !starred) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "namespace, starred or public are required for this API call");
        }
        if (starred && who.anonymous()) throw new BerthException(ErrorCode.INVALID_REQUEST, "You must be logged in to see starred repositories");
        long after = decodeCursor(ctx.queryParams().get("next_page"));
        Future<List<RepositoryRecord>> page;
        if (starred) page = Future.succeededFuture(List.of()); // starring arrives with the UI issue
        else if (namespace != null) page = rows.listNamespace(pool, namespace, who.accountId(), after, PAGE + 1);
        else page = rows.listPublic(pool, after, PAGE + 1);
        page.onSuccess(list -> {
            var repos = new JsonArray();
            list.stream().limit(PAGE).forEach(r -> repos.add(new JsonObject()
                    .put("namespace", r.namespace()).put("name", r.name()).put("description", r.description())
                    .put("is_public", r.isPublic()).put("kind", r.kind()).put("state", r.state())
                    .put("last_modified", r.lastModified().toEpochSecond())
                    .put("is_starred", false)));
            var out = new JsonObject().put("repositories", repos);
            if (list.size() > PAGE) out.put("next_page", encodeCursor(list.get(PAGE - 1).id()));
            Http.json(ctx, 200, out);
        }).onFailure(ctx::fail);
    }

    /** The repository view; {@code size} is the bytes of the distinct blobs its manifests reference. */
    private void get(RoutingContext ctx) {
        boolean withTags = Http.flag(ctx, "includeTags", true);
        withRole(ctx, Role.READ, "repo:read").compose(a -> service.namespace(a.repository())
                .compose(ns -> tags.summary(a.repository(), withTags ? MAX_TAGS : 0).map(summary -> {
                    RepositoryRecord r = a.repository();
                    var view = new JsonObject()
                            .put("namespace", r.namespace()).put("name", r.name()).put("kind", r.kind())
                            .put("description", r.description()).put("is_public", r.isPublic())
                            .put("is_organization", ns.isOrganization()).put("is_starred", false)
                            .put("trust_enabled", false).put("tag_expiration_s", ns.removedTagExpirationS())
                            .put("is_free_account", true).put("state", r.state()).put("size", summary.size())
                            .put("can_write", a.role().atLeast(Role.WRITE)).put("can_admin", a.role().atLeast(Role.ADMIN));
                    if (withTags) {
                        var byName = new JsonObject();
                        summary.tags().forEach(t -> byName.put(t.name(), TagApi.json(t)));
                        view.put("tags", byName);
                    }
                    return view;
                })))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String description = body.getString("description");
        if (description == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "'description' is a required property");
        withRole(ctx, Role.WRITE, "repo:write")
                .compose(a -> service.setDescription(ApiAuth.identity(ctx), a.repository(), description, Http.clientIp(ctx)))
                .onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true)))
                .onFailure(ctx::fail);
    }

    private void changeVisibility(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String visibility = body.getString("visibility");
        if (!VISIBILITIES.contains(visibility)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "visibility must be public or private");
        }
        withRole(ctx, Role.ADMIN, "repo:admin")
                .compose(a -> service.setVisibility(ApiAuth.identity(ctx), a.repository(), visibility, Http.clientIp(ctx)))
                .onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true)))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        withRole(ctx, Role.ADMIN, "repo:admin")
                .compose(a -> service.delete(ApiAuth.identity(ctx), a.repository(), Http.clientIp(ctx)))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private Future<RepositoryService.Access> withRole(RoutingContext ctx, Role needed, String scope) {
        return service.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"), needed,
                scope);
    }

    private static String encodeCursor(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeCursor(String token) {
        if (token == null || token.isEmpty()) return 0;
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("id:")) return Long.parseLong(text.substring(3));
        } catch (IllegalArgumentException e) {
            // fall through to the 400 below
        }
        throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid next_page token");
    }
}
