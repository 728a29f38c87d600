package io.berth.registry.build;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Quay's build API (quay-api.md §3.11–3.12): file drop, start, list, get, status, logs, cancel. */
public final class BuildApi {
    private static final String REPO = "/repository/(?<namespace>[^/]+)/(?<name>.+?)/build";
    private static final int LOG_PAGE = 5000;

    private final BerthConfig config;
    private final RepositoryService repositories;
    private final BuildService builds;
    private final UserFileService files;

    public BuildApi(BerthConfig config, RepositoryService repositories, BuildService builds, UserFileService files) {
        this.config = config;
        this.repositories = repositories;
        this.builds = builds;
        this.files = files;
    }

    /** Mount before the repository API, whose repository path pattern would take these paths too. */
    public void mount(Router api) {
        api.post("/filedrop/").handler(this::fileDrop);
        api.routeWithRegex(HttpMethod.GET, REPO + "/?").handler(this::list);
        api.routeWithRegex(HttpMethod.POST, REPO + "/?").handler(this::start);
        api.routeWithRegex(HttpMethod.GET, REPO + "/(?<uuid>[^/]+)/status").handler(this::get);
        api.routeWithRegex(HttpMethod.GET, REPO + "/(?<uuid>[^/]+)/logs").handler(this::logs);
        api.routeWithRegex(HttpMethod.GET, REPO + "/(?<uuid>[^/]+)").handler(this::get);
        api.routeWithRegex(HttpMethod.DELETE, REPO + "/(?<uuid>[^/]+)").handler(this::cancel);
    }

    private void fileDrop(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "repo:write");
        if (who.accountId() == null) throw new BerthException(ErrorCode.DENIED, "Unauthorized");
        String mimeType = Http.jsonBody(ctx).getString("mimeType");
        if (mimeType == null || mimeType.isBlank()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "'mimeType' is a required property");
        }
        files.announce(who, mimeType)
                .onSuccess(drop -> Http.json(ctx, 200, new JsonObject().put("url", drop.url())
                        .put("file_id", drop.fileId().toString())))
                .onFailure(ctx::fail);
    }

    private void start(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        var request = BuildService.Request.of(text(body, "file_id"), text(body, "archive_url"), text(body, "subdirectory"),
                text(body, "context"), text(body, "dockerfile_path"), tags(body), text(body, "pull_robot"));
        access(ctx, Role.WRITE, "repo:write")
                .compose(a -> builds.start(ApiAuth.identity(ctx), a.repository(), request, Http.clientIp(ctx)))
                .map(b -> view(b, true))
                .onSuccess(view -> {
                    ctx.response().putHeader("Location", "/api/v1/repository/" + view.getJsonObject("repository")
                            .getString("namespace") + "/" + view.getJsonObject("repository").getString("name")
                            + "/build/" + view.getString("id") + "/status");
                    Http.json(ctx, 201, view);
                })
                .onFailure(ctx::fail);
    }

    /** {@code docker_tags} as a list of strings (BuildService.Request checks each), or null for the default. */
    private static List<String> tags(JsonObject body) {
        Object raw = body.getValue("docker_tags");
        if (raw == null) return null;
        if (!(raw instanceof JsonArray array)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "docker_tags must be a non-empty list of tags");
        }
        var tags = new ArrayList<String>();
        for (Object t : array) {
            if (!(t instanceof String s)) throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag " + t);
            tags.add(s);
        }
        return tags;
    }

    private void list(RoutingContext ctx) {
        int limit = intParam(ctx, "limit", 5, 1, 100);
        String sinceParam = ctx.queryParams().get("since");
        Long since = sinceParam == null ? null : (long) intParam(ctx, "since", 0, 0, Integer.MAX_VALUE);
        access(ctx, Role.READ, "repo:read")
                .compose(a -> builds.list(a.repository(), since, limit).map(list -> {
                    var out = new JsonArray();
                    list.forEach(b -> out.add(view(b, a.role().atLeast(Role.WRITE))));
                    return new JsonObject().put("builds", out);
                }))
                .onSuccess(body -> Http.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        access(ctx, Role.READ, "repo:read")
                .compose(a -> builds.get(a.repository(), ctx.pathParam("uuid"))
                        .map(b -> view(b, a.role().atLeast(Role.WRITE))))
                .onSuccess(view -> Http.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    /** Writers see logs; readers too with {@code FEATURE_READER_BUILD_LOGS}. */
    private void logs(RoutingContext ctx) {
        int start = intParam(ctx, "start", 0, 0, Integer.MAX_VALUE);
        Role needed = config.builds().readerLogs() ? Role.READ : Role.WRITE;
        access(ctx, needed, needed == Role.READ ? "repo:read" : "repo:write")
                .compose(a -> builds.get(a.repository(), ctx.pathParam("uuid")))
                .compose(b -> builds.logs(b, start, LOG_PAGE))
                .onSuccess(page -> Http.json(ctx, 200, new JsonObject().put("start", start).put("total", page.total())
                        .put("logs", new JsonArray(new ArrayList<Object>(page.entries())))))
                .onFailure(ctx::fail);
    }

    private void cancel(RoutingContext ctx) {
        access(ctx, Role.WRITE, "repo:write")
                .compose(a -> builds.get(a.repository(), ctx.pathParam("uuid")))
                .compose(b -> builds.cancel(ApiAuth.identity(ctx), b, Http.clientIp(ctx)))
                .onSuccess(v -> Http.json(ctx, 201, "Okay"))
                .onFailure(ctx::fail);
    }

    private Future<RepositoryService.Access> access(RoutingContext ctx, Role needed, String scope) {
        return repositories.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"), needed, scope);
    }

    /** Quay's build view. */
    private JsonObject view(BuildRecord b, boolean writer) {
        JsonObject c = b.jobConfig();
        String context = c.getString("context", "");
        String dockerfile = "/" + (context.isEmpty() ? "" : context + "/") + c.getString("dockerfile_path");
        var view = new JsonObject()
                .put("id", b.uuid().toString())
                .put("phase", b.shownPhase().wire())
                .put("started", Dates.rfc2822(b.createdAt()))
                .put("display_name", b.displayName())
                .put("status", new JsonObject())
                .put("subdirectory", dockerfile)
                .put("dockerfile_path", dockerfile)
                .put("context", "/" + context)
                .put("tags", c.getJsonArray("docker_tags"))
                .put("manual_user", b.manualUser())
                .put("is_writer", writer)
                .put("trigger", null)
                .put("trigger_metadata", null)
                .put("resource_key", c.getString("file_id"))
                .put("pull_robot", c.getString("pull_robot") == null ? null : new JsonObject()
                        .put("name", c.getString("pull_robot")).put("kind", "user").put("is_robot", true))
                .put("repository", new JsonObject().put("namespace", b.namespace()).put("name", b.repositoryName()))
                .put("error", b.error());
        if (writer) {
            String fileId = c.getString("file_id");
            view.put("archive_url", fileId != null ? files.downloadUrl(UUID.fromString(fileId)) : c.getString("archive_url"));
        }
        if (b.pushed() != null) view.put("manifest_digests", b.pushed());
        return view;
    }

    private static String text(JsonObject body, String key) {
        Object v = body.getValue(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new BerthException(ErrorCode.INVALID_REQUEST, key + " must be a string");
        return s.isEmpty() ? null : s;
    }

    private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParams().get(name);
        if (raw == null || raw.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(raw);
            if (n >= min) return Math.min(n, max);
        } catch (NumberFormatException ignored) {
            // the 400 below names the parameter
        }
        throw new BerthException(ErrorCode.INVALID_REQUEST, name + " must be an integer of at least " + min);
    }
}
