package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.TagRepository.TagRow;
import io.berth.registry.content.TagService;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Create New Repository and the repository page (Information, Tags and Settings tabs). Reads and writes go through
 * {@link RepositoryService}, which checks permissions with the Authorizer and writes the usage log.
 */
final class RepositoryPages {
    private static final Set<String> TABS = Set.of("info", "tags", "settings");
    private static final Set<String> VISIBILITIES = Set.of("public", "private");
    /** The tags the Tags tab lists, as the repository API caps them. */
    private static final int MAX_TAGS = 500;

    private final Pages pages;
    private final BerthConfig config;
    private final RepositoryService repositories;
    private final OrganizationService organizations;
    private final TagService tags;

    RepositoryPages(Pages pages, BerthConfig config, RepositoryService repositories, OrganizationService organizations,
                    TagService tags) {
        this.pages = pages;
        this.config = config;
        this.repositories = repositories;
        this.organizations = organizations;
        this.tags = tags;
    }

    void mount(Router router) {
        router.get("/new").handler(ctx -> newForm(ctx, 200, null, Map.of()));
        router.post("/new").handler(this::create);
        String repo = "/repository/(?<namespace>[^/]+)/(?<name>.+)";
        router.routeWithRegex(HttpMethod.GET, repo).handler(this::show);
        router.routeWithRegex(HttpMethod.POST, repo).handler(this::change);
    }

    private void newForm(RoutingContext ctx, int status, String error, Map<String, String> typed) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.redirect(ctx, "/signin");
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
            if (!TABS.contains(tab) || (tab.equals("settings") && !a.role().atLeast(Role.ADMIN))) {
                return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            }
            return tags.summary(a.repository(), tab.equals("tags") ? MAX_TAGS : 0).map(summary -> {
                var r = a.repository();
                var model = new HashMap<String, Object>();
                model.put("title", r.path());
                model.put("tab", tab);
                model.put("path", r.path());
                model.put("name", r.name());
                model.put("pullName", config.serverHostname() + "/" + r.path());
                model.put("description", r.description() == null ? "" : r.description());
                model.put("visibility", r.visibility());
                model.put("canWrite", a.role().atLeast(Role.WRITE));
                model.put("canAdmin", a.role().atLeast(Role.ADMIN));
                model.put("tags", summary.tags().stream().map(RepositoryPages::tag).toList());
                model.put("error", ctx.get("formError"));
                model.put("notice", ctx.request().getParam("done"));
                return model;
            });
        }).onSuccess(model -> pages.render(ctx, ctx.get("formError") == null ? 200 : 400, "repository", model))
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
                if (!Pages.form(ctx, "confirm").equals(a.repository().path())) {
                    yield Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                            "Type " + a.repository().path() + " exactly to delete the repository."));
                }
                yield authorize(ctx, Role.ADMIN, "repo:admin")
                        .compose(w -> repositories.delete(who, w.repository(), ip)).map("/repository?deleted");
            }
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        }).onSuccess(target -> Pages.redirect(ctx, target.startsWith("?")
                        ? "/repository/" + ctx.pathParam("namespace") + "/" + ctx.pathParam("name") + target : target))
                .onFailure(err -> Pages.inline(ctx, err, message -> {
                    if (err instanceof BerthException e && Http.status(e) == 404) {
                        ctx.fail(err);
                        return;
                    }
                    ctx.put("formError", message);
                    ctx.put("tab", action.equals("description") ? "info" : "settings");
                    show(ctx);
                }));
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
