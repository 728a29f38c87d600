package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.build.BuildRecord;
import io.berth.registry.build.BuildService;
import io.berth.registry.build.UserFileService;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.TagRepository.TagRow;
import io.berth.registry.content.ManifestService;
import io.berth.registry.content.TagRepository;
import io.berth.registry.content.TagService;
import io.berth.model.ref.Tag;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.http.StreamedBody;
import io.berth.registry.http.StreamedForm;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.logs.LogService;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Create New Repository, the repository page (Information, Tags, Tag History, Builds, Usage Logs and Settings tabs) and a build's
 * page. Reads and writes go through the services of the API ({@link RepositoryService}, {@link BuildService}, …),
 * which check permissions with the Authorizer and write the usage log.
 */
final class RepositoryPages {
    private static final String REPO = "/repository/(?<namespace>[^/]+)/(?<name>.+)";
    private static final Set<String> TABS = Set.of("info", "tags", "history", "builds", "logs", "settings");
    /** Build History filters: the cutoff in hours (0: none) and the rows shown. */
    private static final Map<String, int[]> BUILD_FILTERS = Map.of("recent", new int[]{0, 10}, "48h", new int[]{48, 100},
            "30d", new int[]{24 * 30, 100});
    private static final int HISTORY_PAGE = 50;
    private static final Set<String> VISIBILITIES = Set.of("public", "private");
    /** The tags one page of the Tags tab lists (most recently changed first, as Quay sorts them). */
    private static final int TAG_PAGE = 50;

    private final Pages pages;
    private final BerthConfig config;
    private final RepositoryService repositories;
    private final OrganizationService organizations;
    private final TagService tags;
    private final PermissionService permissions;
    private final BuildService builds;
    private final ApiAuth auth;
    private final UserFileService files;
    private final LogService logs;
    private final LogPages logPages;

    RepositoryPages(Pages pages, BerthConfig config, ApiAuth auth, RepositoryService repositories,
                    OrganizationService organizations, TagService tags, PermissionService permissions,
                    BuildService builds, UserFileService files, LogService logs, LogPages logPages) {
        this.logs = logs;
        this.logPages = logPages;
        this.builds = builds;
        this.pages = pages;
        this.config = config;
        this.auth = auth;
        this.files = files;
        this.repositories = repositories;
        this.organizations = organizations;
        this.tags = tags;
        this.permissions = permissions;
    }

    /**
     * The one form that is not bound by the UI's body limit: Start New Build, a multipart post to the repository
     * page (its other forms are URL-encoded), whose file streams into storage. {@code session} resolves the caller
     * and leaves the CSRF check to the page.
     */
    void mountStreamed(Router router, Handler<RoutingContext> session) {
        router.routeWithRegex(HttpMethod.POST, REPO).consumes("multipart/form-data")
                .handler(StreamedBody::hold).handler(session).handler(this::startBuild);
    }

    void mount(Router router) {
        router.get("/new").handler(ctx -> newForm(ctx, 200, null, Map.of()));
        router.post("/new").handler(this::create);
        String build = REPO + "/build/(?<uuid>[0-9a-fA-F-]{36})";
        router.routeWithRegex(HttpMethod.GET, build).handler(this::buildPage);
        router.routeWithRegex(HttpMethod.POST, build).handler(this::cancelBuild);
        router.routeWithRegex(HttpMethod.GET, REPO).handler(this::show);
        router.routeWithRegex(HttpMethod.POST, REPO).handler(this::change);
    }

    private void newForm(RoutingContext ctx, int status, String error, Map<String, String> typed) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx);
            return;
        }
        organizations.memberships(who).onSuccess(memberships -> {
            var namespaces = new ArrayList<String>();
            namespaces.add(who.username());
            memberships.forEach(m -> namespaces.add(m.organization().username()));
            var model = new HashMap<String, Object>();
            model.put("title", "Create New Repository");
            model.put("namespaces", namespaces);
            model.put("error", error);
            model.put("namespace", typed.getOrDefault("namespace", who.username()));
            model.put("name", typed.getOrDefault("name", ""));
            model.put("description", typed.getOrDefault("description", ""));
            model.put("visibility", typed.getOrDefault("visibility", "private"));
            pages.render(ctx, status, "new-repository", model);
        }).onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        var typed = Map.of("namespace", Pages.form(ctx, "namespace"), "name", Pages.form(ctx, "name"),
                "description", Pages.form(ctx, "description"), "visibility", Pages.form(ctx, "visibility"));
        Future<RepositoryName> name = Future.future(p -> {
            if (who.anonymous()) throw new BerthException(ErrorCode.UNAUTHORIZED, "Sign in to create a repository.");
            if (!VISIBILITIES.contains(typed.get("visibility"))) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Choose public or private.");
            }
            p.complete(new RepositoryName(typed.get("namespace"), typed.get("name")));
        });
        name.compose(n -> repositories.create(who, n, typed.get("visibility"), typed.get("description"), false,
                        Http.clientIp(ctx)))
                .onSuccess(r -> Pages.redirect(ctx, "/repository/" + r.path()))
                .onFailure(err -> Pages.inline(ctx, err, message -> newForm(ctx, 400, explain(err, message), typed)));
    }

    private static String explain(Throwable err, String message) {
        if (!(err instanceof BerthException e)) return message;
        return switch (e.code()) {
            case CONFLICT -> "A repository of that name already exists in this namespace.";
            case DENIED -> "You may not create repositories in this namespace.";
            default -> message;
        };
    }

    /** The repository page; a repository the caller cannot read is answered exactly like a missing one (404). */
    private void show(RoutingContext ctx) {
        String tab = ctx.get("tab", ctx.request().getParam("tab", "info"));
        readable(ctx).compose(a -> {
            // Settings and Usage Logs are for administrators, as in Quay
            if (!TABS.contains(tab) || ((tab.equals("settings") || tab.equals("logs")) && !a.role().atLeast(Role.ADMIN))) {
                return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            }
            Future<TagService.Page> history = tab.equals("history")
                    ? tags.history(a.repository(), new TagRepository.Filter(null, null, null, false), 1, HISTORY_PAGE)
                    : Future.succeededFuture(new TagService.Page(List.of(), false));
            String filter = BUILD_FILTERS.containsKey(ctx.request().getParam("filter", "")) ? ctx.request().getParam("filter") : "recent";
            int[] f = BUILD_FILTERS.get(filter);
            Future<List<BuildRecord>> buildList = tab.equals("builds") && config.builds().enabled()
                    ? builds.list(a.repository(), f[0] == 0 ? null : System.currentTimeMillis() / 1000 - f[0] * 3600L, f[1])
                    : Future.succeededFuture(List.of());
            Future<List<Map<String, Object>>> grants = tab.equals("settings") ? grants(a.repository())
                    : Future.succeededFuture(List.of());
            String tagFilter = ctx.request().getParam("q", "").trim();
            int tagPage = pageNumber(ctx.request().getParam("page"));
            Future<TagService.Page> tagList = tab.equals("tags")
                    ? tags.history(a.repository(), new TagRepository.Filter(null, null, tagFilter.isEmpty() ? null : tagFilter, true),
                            tagPage, TAG_PAGE)
                    : Future.succeededFuture(new TagService.Page(List.of(), false));
            Future<Map<String, Object>> logModel = tab.equals("logs")
                    ? repositoryLogs(ctx, a.repository()).compose(s -> logPages.model(ctx, s, "/repository/" + a.repository().path(), "logs"))
                    : Future.succeededFuture(null);
            return Future.all(history, grants, buildList, tagList, logModel).map(loaded -> {
                var r = a.repository();
                var model = new HashMap<String, Object>();
                model.put("title", r.path());
                model.put("tab", tab);
                model.put("path", r.path());
                model.put("namespace", r.namespace());
                model.put("name", r.name());
                model.put("pullName", config.serverHostname() + "/" + r.path());
                model.put("description", r.description() == null ? "" : r.description());
                model.put("visibility", r.visibility());
                model.put("canWrite", a.role().atLeast(Role.WRITE));
                model.put("canAdmin", a.role().atLeast(Role.ADMIN));
                var tagRows = loaded.<TagService.Page>resultAt(3);
                model.put("tags", tagRows.tags().stream().map(RepositoryPages::tag).toList());
                model.put("tagFilter", tagFilter);
                model.put("tagPage", tagPage);
                model.put("tagNext", tagRows.hasAdditional());
                model.put("error", ctx.get("formError"));
                model.put("notice", ctx.request().getParam("done"));
                model.put("history", loaded.<TagService.Page>resultAt(0).tags().stream().map(RepositoryPages::change).toList());
                model.put("grants", loaded.resultAt(1));
                model.put("buildsEnabled", config.builds().enabled());
                model.put("buildFilter", filter);
                model.put("namespace", r.namespace());
                model.put("buildForm", ctx.get("buildForm", Map.of("tags", "latest")));
                model.put("builds", loaded.<List<BuildRecord>>resultAt(2).stream().map(RepositoryPages::build).toList());
                model.put("permanentlyDelete", config.tags().permanentlyDelete());
                model.put("logs", loaded.resultAt(4));
                return model;
            });
        }).onSuccess(model -> pages.render(ctx, ctx.get("formError") == null && !LogPages.failed(model.get("logs")) ? 200
                                : ctx.get("formStatus", 400),
                        "repository", model))
                .onFailure(ctx::fail);
    }

    private static Map<String, Object> tag(TagRow t) {
        var m = new HashMap<String, Object>();
        m.put("name", t.name());
        m.put("modified", Pages.time(t.start()));
        m.put("size", t.layersSize() == null ? "" : humanSize(t.layersSize()));
        m.put("digest", t.manifestDigest());
        m.put("shortDigest", t.manifestDigest().substring(0, Math.min(19, t.manifestDigest().length())));
        m.put("expires", t.ends() == null ? "Never" : Pages.time(t.ends()));
        m.put("children", t.children() == null ? List.of() : t.children());
        return m;
    }

    /** A build's phase and log; htmx re-fetches the page while it runs; {@code ?format=text} downloads the log. */
    private void buildPage(RoutingContext ctx) {
        readable(ctx).compose(a -> builds.get(a.repository(), ctx.pathParam("uuid")).compose(b -> {
            boolean logs = a.role().atLeast(Role.WRITE) || config.builds().readerLogs();
            return (logs ? builds.logs(b, 0, 5000) : Future.succeededFuture(new io.berth.registry.build.BuildRepository.LogPage(0, List.of())))
                    .map(page -> {
                        var lines = page.entries().stream().map(e -> e.getString("message", "")).toList();
                        var model = new HashMap<String, Object>(build(b));
                        model.put("title", "Build " + b.uuid());
                        model.put("path", a.repository().path());
                        model.put("finished", b.finished());
                        model.put("canWrite", a.role().atLeast(Role.WRITE));
                        model.put("showLogs", logs);
                        model.put("lines", lines);
                        model.put("error", b.error());
                        return model;
                    });
        })).onSuccess(model -> {
            if ("text".equals(ctx.request().getParam("format")) && (boolean) model.get("showLogs")) {
                @SuppressWarnings("unchecked") var lines = (List<String>) model.get("lines");
                ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                        .putHeader("Content-Disposition", "attachment; filename=\"build-" + model.get("id") + ".log\"")
                        .end(String.join("\n", lines) + "\n");
                return;
            }
            pages.render(ctx, 200, "build", model);
        }).onFailure(ctx::fail);
    }

    /**
     * Start New Build: the form's file streams into upload scratch space and becomes a dropped user file, as the file
     * drop's PUT stores it, once the form's other fields (which arrive after it) are checked; then the build starts as
     * {@code POST /api/v1/repository/<r>/build/} starts it. A caller who may not write gets the error page before the
     * body is read; a mistake in the form is shown next to it (400; 429 past the namespace's queue limit; 413 past the
     * upload limit).
     */
    private void startBuild(RoutingContext ctx) {
        var forged = ApiAuth.csrfRefused();
        Future<RepositoryService.Access> writer = readable(ctx).compose(r -> authorize(ctx, Role.WRITE, "repo:write"));
        writer.compose(a -> startFromForm(ctx, a.repository(), forged))
                .onSuccess(b -> Pages.redirect(ctx, "/repository/" + b.repositoryPath() + "/build/" + b.uuid()))
                .onFailure(err -> {
                    if (writer.failed() || err == forged) ctx.fail(err);
                    else buildFormError(ctx, err);
                });
    }

    private Future<BuildRecord> startFromForm(RoutingContext ctx, RepositoryRecord repo, BerthException forged) {
        if (!config.builds().enabled()) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Builds are disabled on this registry."));
        }
        Identity who = ApiAuth.identity(ctx);
        return StreamedForm.read(ctx, upload -> files.stage(upload.contentType() == null || upload.contentType().isBlank()
                        ? "application/octet-stream" : upload.contentType(), upload), files::discard)
                .compose(form -> Future.<BuildService.Request>future(p -> p.complete(buildRequest(ctx, repo, form, forged)))
                        .recover(err -> form.file() == null ? Future.failedFuture(err)
                                : files.discard(form.file()).transform(x -> Future.failedFuture(err)))
                        // a file whose build is refused (queue full, unknown pull robot) is not kept either
                        .compose(request -> files.keep(who, form.file()).compose(id -> builds.start(who, repo, request,
                                        Http.clientIp(ctx))
                                .recover(err -> files.forget(id).transform(x -> Future.failedFuture(err))))));
    }

    /** The build the form asks for (BuildService.Request checks it), once its CSRF token is found good. */
    private BuildService.Request buildRequest(RoutingContext ctx, RepositoryRecord repo,
                                              StreamedForm.Form<UserFileService.Staged> form, BerthException forged) {
        var fields = form.fields();
        if (!auth.csrfValid(ctx, fields.get(ApiAuth.CSRF_FIELD))) throw forged;
        var typed = new HashMap<String, String>();
        for (String field : List.of("context", "dockerfile_path", "tags", "pull_robot")) {
            typed.put(field, fields.get(field) == null ? "" : fields.get(field).trim());
        }
        ctx.put("buildForm", typed);
        if (!"build".equals(fields.get("action"))) throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
        if (form.file() == null) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Choose a Dockerfile or an archive (tar, tar.gz or zip) to upload.");
        }
        // tags are typed as one list; a robot's short name is one of the repository's namespace
        var tags = Arrays.stream(typed.get("tags").split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
        String robot = typed.get("pull_robot");
        return BuildService.Request.of(form.file().id().toString(), null, null, blankToNull(typed.get("context")),
                blankToNull(typed.get("dockerfile_path")), tags.isEmpty() ? null : tags,
                robot.isEmpty() ? null : robot.contains("+") ? robot : repo.namespace() + "+" + robot);
    }

    /** The Builds tab again with the form's message above the form and the values typed. */
    private void buildFormError(RoutingContext ctx, Throwable err) {
        Pages.inline(ctx, err, message -> {
            int status = Http.status((BerthException) err);
            ctx.put("formError", message);
            ctx.put("formStatus", status == 429 || status == 413 ? status : 400);
            ctx.put("tab", "builds");
            show(ctx);
        });
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** Cancel: BuildService checks the build may still be cancelled. */
    private void cancelBuild(RoutingContext ctx) {
        authorize(ctx, Role.WRITE, "repo:write")
                .compose(a -> builds.get(a.repository(), ctx.pathParam("uuid")))
                .compose(b -> builds.cancel(ApiAuth.identity(ctx), b, Http.clientIp(ctx)))
                .onSuccess(v -> Pages.redirect(ctx, ctx.request().path()))
                .onFailure(ctx::fail);
    }

    /** One row of Build History. */
    private static Map<String, Object> build(BuildRecord b) {
        var m = new HashMap<String, Object>();
        m.put("id", b.uuid().toString());
        m.put("phase", b.shownPhase().wire());
        m.put("name", b.displayName() == null ? "" : b.displayName());
        m.put("by", b.manualUser() == null ? "" : b.manualUser());
        m.put("started", Pages.time(b.createdAt()));
        var tags = b.jobConfig() == null ? null : b.jobConfig().getJsonArray("docker_tags");
        m.put("tags", tags == null ? "" : String.join(", ", tags.stream().map(String::valueOf).toList()));
        return m;
    }

    /** The Settings tab's permissions: users and robots (the owner first, fixed), then teams. */
    private Future<List<Map<String, Object>>> grants(RepositoryRecord repo) {
        return Future.all(permissions.accountGrants(repo), permissions.teamGrants(repo)).map(all -> {
            var out = new ArrayList<Map<String, Object>>();
            all.<List<PermissionRepository.AccountGrant>>resultAt(0).forEach(g -> out.add(Map.of(
                    "name", g.account().username(), "kind", g.account().isRobot() ? "robot" : "user",
                    "role", g.role().apiName(), "owner", g.account().username().equals(repo.namespace()))));
            all.<Map<String, Role>>resultAt(1).forEach((team, role) -> out.add(Map.of(
                    "name", team, "kind", "team", "role", role.apiName(), "owner", false)));
            return out;
        });
    }

    /** One row of the Tag History timeline. */
    private static Map<String, Object> change(TagRow t) {
        var m = tag(t);
        m.put("ended", t.ends() != null && t.ends().isBefore(java.time.OffsetDateTime.now()));
        m.put("reversion", t.reversion());
        return m;
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < units.length - 1);
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** The form posts of the repository page, by their {@code action} field. */
    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        readable(ctx).compose(a -> switch (action) {
            case "description" -> authorize(ctx, Role.WRITE, "repo:write")
                    .compose(w -> repositories.setDescription(who, w.repository(), Pages.form(ctx, "description"), ip))
                    .map("?tab=info&done=description");
            case "visibility" -> {
                String visibility = Pages.form(ctx, "visibility");
                if (!VISIBILITIES.contains(visibility)) {
                    yield Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Choose public or private."));
                }
                yield authorize(ctx, Role.ADMIN, "repo:admin")
                        .compose(w -> repositories.setVisibility(who, w.repository(), visibility, ip))
                        .map("?tab=settings&done=visibility");
            }
            case "delete" -> {
                Pages.requireTyped(ctx, a.repository().path(), a.repository().path(), "the repository");
                yield authorize(ctx, Role.ADMIN, "repo:admin")
                        .compose(w -> repositories.delete(who, w.repository(), ip)).map("/repository?deleted");
            }
            case "add-tag", "expiration", "delete-tag", "purge-tag", "revert", "purge" -> tagChange(ctx, action);
            case "delete-tags" -> deleteTags(ctx);
            case "export-logs" -> logPages.export(ctx, repositoryLogs(ctx, a.repository()), "/repository/" + a.repository().path(), "logs");
            case "permission", "remove-permission" -> authorize(ctx, Role.ADMIN, "repo:admin").compose(w -> {
                String entity = Pages.form(ctx, "entity");
                boolean team = Pages.form(ctx, "kind").equals("team");
                if (entity.isEmpty()) {
                    return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Name a user, robot or team."));
                }
                Future<?> done = action.equals("remove-permission")
                        ? (team ? permissions.deleteTeamRole(who, w.repository(), entity, ip)
                                : permissions.deleteAccountRole(who, w.repository(), entity, ip))
                        : (team ? permissions.setTeamRole(who, w.repository(), entity, Pages.form(ctx, "role"), ip)
                                : permissions.setAccountRole(who, w.repository(), entity, Pages.form(ctx, "role"), ip));
                return done.map("?tab=settings&done=permission");
            });
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        }).onSuccess(target -> Pages.redirect(ctx, target.startsWith("?")
                        ? "/repository/" + ctx.pathParam("namespace") + "/" + ctx.pathParam("name") + target : target))
                .onFailure(err -> Pages.inline(ctx, err, message -> {
                    if (err instanceof BerthException e && Http.status(e) == 404) {
                        ctx.fail(err);
                        return;
                    }
                    // the export's error shows in its dialog
                    ctx.put(action.equals("export-logs") ? "exportError" : "formError", message);
                    ctx.put("tab", switch (action) {
                        case "description" -> "info";
                        case "add-tag", "expiration", "delete-tag", "purge-tag", "delete-tags" -> "tags";
                        case "revert", "purge" -> "history";
                        case "export-logs" -> "logs";
                        default -> "settings";
                    });
                    show(ctx);
                }));
    }

    /** The repository's usage logs, for its administrators; LogService decides, and a refusal looks like a 404. */
    private Future<LogService.Scope> repositoryLogs(RoutingContext ctx, RepositoryRecord repo) {
        return LogPages.visible(() -> logs.repository(ApiAuth.identity(ctx), new RepositoryName(repo.namespace(), repo.name())));
    }

    /** The gear menu's actions on a tag and the Tag History's; TagService writes each usage-log entry. */
    private Future<String> tagChange(RoutingContext ctx, String action) {
        String tag = Pages.form(ctx, "tag");
        String target = Pages.form(ctx, "target");
        String digest = Pages.form(ctx, "digest");
        String named = action.equals("add-tag") ? target : tag;
        if (!Tag.valid(named)) return Future.failedFuture(invalidTag(named));
        return authorize(ctx, Role.WRITE, "repo:write").compose(a -> {
            var actor = new ManifestService.Actor(a.repository(), ApiAuth.identity(ctx), Http.clientIp(ctx));
            return switch (action) {
                case "add-tag" -> tags.history(a.repository(), new TagRepository.Filter(null, target, null, true), 1, 1).compose(live -> {
                    if (!live.tags().isEmpty() && !Pages.form(ctx, "move").equals("yes")) {
                        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Tag " + target
                                + " already exists: tick “Move it here” to point it at this manifest."));
                    }
                    return tags.update(actor, target, new TagService.Update(false, null, true, digest))
                            .map("?tab=tags&done=tag");
                });
                case "expiration" -> expiration(Pages.form(ctx, "expires")).compose(epoch ->
                        tags.update(actor, tag, new TagService.Update(true, epoch, false, null))).map("?tab=tags&done=tag");
                case "delete-tag" -> tags.delete(actor, tag).compose(found -> found
                        ? Future.succeededFuture("?tab=tags&done=tag")
                        : Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Tag " + tag + " is already gone.")));
                case "revert" -> tags.restore(actor, tag, digest).map("?tab=history&done=tag");
                // as Quay's Tags page: the live tag, gone for good (never restorable), an index's children with it
                case "purge-tag" -> permanently(() -> tags.removeFromTimeMachine(actor, tag, null, true, true))
                        .map("?tab=tags&done=tag");
                // as Quay's Tag History: the entry's rows, and an index's children with them
                default -> permanently(() -> tags.removeFromTimeMachine(actor, tag, digest, false, true))
                        .map("?tab=history&done=tag");
            };
        });
    }

    /** Runs a removal from the time machine when {@code PERMANENTLY_DELETE_TAGS} allows it. */
    private Future<Void> permanently(java.util.function.Supplier<Future<Void>> removal) {
        return config.tags().permanentlyDelete() ? removal.get()
                : Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Permanent deletion is disabled."));
    }

    /** Delete Tags on the selected rows: one TagService delete (and usage-log entry) per tag; gone ones are skipped. */
    private Future<String> deleteTags(RoutingContext ctx) {
        List<String> selected = ctx.request().formAttributes().getAll("tags");
        if (selected.isEmpty()) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Select the tags to delete."));
        }
        for (String tag : selected) if (!Tag.valid(tag)) return Future.failedFuture(invalidTag(tag));
        return authorize(ctx, Role.WRITE, "repo:write").compose(a -> {
            var actor = new ManifestService.Actor(a.repository(), ApiAuth.identity(ctx), Http.clientIp(ctx));
            Future<Boolean> deleted = Future.succeededFuture();
            for (String tag : selected) deleted = deleted.compose(v -> tags.delete(actor, tag));
            return deleted.map("?tab=tags&done=tag");
        });
    }

    private static BerthException invalidTag(String name) {
        return new BerthException(ErrorCode.INVALID_REQUEST,
                "Invalid tag name “" + name + "”: up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -");
    }

    /** A {@code page} parameter: 1 unless it is a positive number. */
    private static int pageNumber(String value) {
        try {
            return value == null ? 1 : Math.max(1, Math.min(Integer.parseInt(value), 1_000_000));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A date-time picker's value (UTC) as epoch seconds; empty means no expiration. */
    private static Future<Long> expiration(String value) {
        if (value.isEmpty()) return Future.succeededFuture(null);
        try {
            long epoch = java.time.LocalDateTime.parse(value).toEpochSecond(java.time.ZoneOffset.UTC);
            if (epoch <= System.currentTimeMillis() / 1000) {
                return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Choose a time in the future."));
            }
            return Future.succeededFuture(epoch);
        } catch (java.time.format.DateTimeParseException e) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Enter a date and time."));
        }
    }

    private Future<RepositoryService.Access> readable(RoutingContext ctx) {
        return authorize(ctx, Role.READ, "repo:read").recover(err -> Future.failedFuture(
                err instanceof BerthException ? new BerthException(ErrorCode.NOT_FOUND, "Not Found") : err));
    }

    private Future<RepositoryService.Access> authorize(RoutingContext ctx, Role needed, String scope) {
        return repositories.authorize(ApiAuth.identity(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"),
                needed, scope);
    }
}
