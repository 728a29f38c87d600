package io.berth.registry.build;

import io.berth.model.build.BuildPaths;
import io.berth.model.build.RegistryCredentials;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.iam.RobotService;
import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.Tag;
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
import java.util.LinkedHashSet;
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
    private final RobotService robots;

    public BuildApi(BerthConfig config, RepositoryService repositories, BuildService builds, UserFileService files,
                    RobotService robots) {
        this.config = config;
        this.repositories = repositories;
        this.builds = builds;
        this.files = files;
        this.robots = robots;
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
        BuildService.Request request = request(body);
        Identity who = ApiAuth.identity(ctx);
        access(ctx, Role.WRITE, "repo:write")
                .compose(a -> pullCredentials(who, request.pullRobot())
                        .compose(credentials -> builds.start(who, a.repository(), request.pulling(credentials),
                                Http.clientIp(ctx)))
                        .map(b -> view(b, true)))
                .onSuccess(view -> {
                    ctx.response().putHeader("Location", "/api/v1/repository/" + view.getJsonObject("repository")
                            .getString("namespace") + "/" + view.getJsonObject("repository").getString("name")
                            + "/build/" + view.getString("id") + "/status");
                    Http.json(ctx, 201, view);
                })
                .onFailure(ctx::fail);
    }

    /** Validates a start request and works out context and Dockerfile as Quay does (§5.2 of research/builds.md). */
    private static BuildService.Request request(JsonObject body) {
        String fileId = text(body, "file_id");
        String archiveUrl = text(body, "archive_url");
        if (fileId == null && archiveUrl == null) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "file_id or archive_url required");
        }
        if (archiveUrl != null && fileId == null) {
            try {
                var uri = java.net.URI.create(archiveUrl);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("the scheme must be http or https");
                }
            } catch (IllegalArgumentException e) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid Archive URL: " + archiveUrl);
            }
        }
        String dockerfile = text(body, "dockerfile_path");
        String subdirectory = text(body, "subdirectory");
        String context = text(body, "context");
        try {
            if (dockerfile != null) {
                dockerfile = BuildPaths.relative("dockerfile_path", dockerfile);
                if (context == null) context = dockerfile.contains("/") ? dockerfile.substring(0, dockerfile.lastIndexOf('/')) : "";
            } else if (subdirectory != null) {
                context = BuildPaths.relative("subdirectory", subdirectory);
                dockerfile = context.isEmpty() ? "Dockerfile" : context + "/Dockerfile";
            } else {
                dockerfile = (context == null ? "" : BuildPaths.relative("context", context) + "/") + "Dockerfile";
            }
            context = BuildPaths.relative("context", context == null ? "" : context);
            dockerfile = BuildPaths.relative("dockerfile_path", dockerfile);
        } catch (IllegalArgumentException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        if (!context.isEmpty() && !dockerfile.startsWith(context + "/")) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "The Dockerfile must be inside the build context");
        }
        String relative = context.isEmpty() ? dockerfile : dockerfile.substring(context.length() + 1);
        return new BuildService.Request(fileId, fileId == null ? archiveUrl : null, context, relative, tags(body),
                text(body, "pull_robot"), null);
    }

    /**
     * The pull robot's name and token, for base images in this registry. As in Quay the caller must administer the
     * robot's namespace (403 otherwise) and the robot must exist (404).
     */
    private Future<RegistryCredentials> pullCredentials(Identity who, String robot) {
        if (robot == null) return Future.succeededFuture();
        int plus = robot.indexOf('+');
        if (plus <= 0 || plus == robot.length() - 1) return Future.failedFuture(Authorizer.refusal(who));
        String namespace = robot.substring(0, plus);
        var owner = new RobotService.Owner(who, namespace.equals(who.username()) ? null : namespace);
        return robots.get(owner, robot.substring(plus + 1))
                .map(view -> new RegistryCredentials(config.serverHostname(), view.robot().name(), view.token()));
    }

    private static List<String> tags(JsonObject body) {
        Object raw = body.getValue("docker_tags");
        if (raw == null) return List.of("latest");
        if (!(raw instanceof JsonArray array) || array.isEmpty()) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "docker_tags must be a non-empty list of tags");
        }
        var tags = new LinkedHashSet<String>();
        for (Object t : array) {
            if (!(t instanceof String s) || !Tag.valid(s)) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag " + t);
            }
            if (!tags.add(s)) throw new BerthException(ErrorCode.INVALID_REQUEST, "docker_tags must be unique");
        }
        return List.copyOf(tags);
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
