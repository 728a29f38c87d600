package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SessionApi;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.UserService;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.common.template.TemplateEngine;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.templ.pebble.PebbleTemplateEngine;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The web UI: server-rendered Pebble pages at the root, calling the same services as /api/v1. Pages use the browser
 * session of {@link ApiAuth} and its CSRF rule (every form posts {@code _csrf_token}).
 */
public final class UiPages {
    private static final Logger LOG = LoggerFactory.getLogger(UiPages.class);
    private static final int PAGE = 20;
    private static final DateTimeFormatter MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final BerthConfig config;
    private final Pool pool;
    private final ApiAuth auth;
    private final SessionApi sessionApi;
    private final UserService users;
    private final AccountRepository accounts;
    private final RepositoryService repositories;
    private final TemplateEngine engine;

    public UiPages(Vertx vertx, BerthConfig config, Pool pool, ApiAuth auth, SessionApi sessionApi, UserService users,
                   AccountRepository accounts, RepositoryService repositories) {
        this.config = config;
        this.pool = pool;
        this.auth = auth;
        this.sessionApi = sessionApi;
        this.users = users;
        this.accounts = accounts;
        this.repositories = repositories;
        this.engine = PebbleTemplateEngine.create(vertx);
    }

    /** Mounts the pages and their assets; mount last, so the API surfaces keep their own paths. */
    public void mount(Vertx vertx, Router root) {
        root.route("/static/*").handler(StaticHandler.create("ui/static"));
        root.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));

        Router pages = Router.router(vertx);
        pages.route().failureHandler(this::failure);
        pages.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        pages.route().handler(auth::handleSession);
        pages.get("/").handler(this::landing);
        pages.get("/signin").handler(ctx -> render(ctx, 200, "signin", signinModel(null, "")));
        pages.post("/signin").handler(this::signin);
        pages.get("/signup").handler(ctx -> signupForm(ctx, 200, null, "", ""));
        pages.post("/signup").handler(this::signup);
        pages.post("/signout").handler(ctx -> sessionApi.signOut(ctx).onSuccess(v -> redirect(ctx, "/")).onFailure(ctx::fail));
        pages.get("/explore").handler(this::explore);
        pages.get("/repository").handler(this::repositoryList);
        pages.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found")));
        root.route("/*").subRouter(pages);
    }

    private void landing(RoutingContext ctx) {
        accounts.countUsers(pool).onSuccess(count -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Container registry");
            model.put("empty", count == 0 && config.featureUserInitialize());
            render(ctx, 200, "landing", model);
        }).onFailure(ctx::fail);
    }

    private Map<String, Object> signinModel(String error, String username) {
        var model = new HashMap<String, Object>();
        model.put("title", "Sign in");
        model.put("error", error);
        model.put("username", username);
        model.put("signupAllowed", config.featureUserCreation());
        return model;
    }

    private void signin(RoutingContext ctx) {
        String username = form(ctx, "username");
        sessionApi.signIn(ctx, username, form(ctx, "password"))
                .onSuccess(v -> redirect(ctx, "/repository"))
                .onFailure(err -> inline(ctx, err, message -> render(ctx, 400, "signin", signinModel(message, username))));
    }

    /** The sign-up form; it creates the first user (Quay's initialization) while the database has none. */
    private void signupForm(RoutingContext ctx, int status, String error, String username, String email) {
        accounts.countUsers(pool).onSuccess(count -> {
            boolean first = count == 0 && config.featureUserInitialize();
            if (!first && !config.featureUserCreation()) {
                ctx.fail(new BerthException(ErrorCode.DENIED, "Account creation is disabled on this registry."));
                return;
            }
            var model = new HashMap<String, Object>();
            model.put("title", first ? "Create the first user" : "Create account");
            model.put("first", first);
            model.put("error", error);
            model.put("username", username);
            model.put("email", email);
            render(ctx, status, "signup", model);
        }).onFailure(ctx::fail);
    }

    private void signup(RoutingContext ctx) {
        String username = form(ctx, "username");
        String email = form(ctx, "email");
        String password = form(ctx, "password");
        String ip = Http.clientIp(ctx);
        accounts.countUsers(pool)
                .compose(count -> Future.<Long>future(p -> {
                    // validation throws before any future exists: turn it into a failed future for the inline message
                    if (count == 0 && config.featureUserInitialize()) {
                        users.initialize(username, password, blankToNull(email), false, ip)
                                .map(created -> created.account().id()).onComplete(p);
                    } else if (config.featureUserCreation()) {
                        users.create(username, password, blankToNull(email), ip).map(a -> a.id()).onComplete(p);
                    } else {
                        p.fail(new BerthException(ErrorCode.DENIED, "Account creation is disabled on this registry."));
                    }
                }))
                .compose(id -> auth.startSession(ctx, id))
                .onSuccess(v -> redirect(ctx, "/repository"))
                .onFailure(err -> inline(ctx, err, message -> signupForm(ctx, 400, message, username, email)));
    }

    private void explore(RoutingContext ctx) {
        String q = ctx.request().getParam("q", "").trim();
        repositories.explore(q, ctx.request().getParam("after"), PAGE + 1).onSuccess(rows -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Explore");
            model.put("q", q);
            page(model, rows);
            render(ctx, 200, "explore", model);
        }).onFailure(ctx::fail);
    }

    /** The repositories of the user and of their organizations (those they can read), by path. */
    private void repositoryList(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            redirect(ctx, "/signin");
            return;
        }
        repositories.listReadable(who, false, ctx.request().getParam("after"), PAGE + 1).onSuccess(rows -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Repositories");
            page(model, rows);
            render(ctx, 200, "repositories", model);
        }).onFailure(ctx::fail);
    }

    /** One page of repositories (fetched with one extra row, which tells whether a next page exists). */
    private static void page(Map<String, Object> model, List<RepositoryRecord> rows) {
        List<RepositoryRecord> shown = rows.size() > PAGE ? rows.subList(0, PAGE) : rows;
        model.put("repositories", shown.stream().map(UiPages::row).toList());
        model.put("next", rows.size() > PAGE ? shown.getLast().path() : null);
    }

    private static Map<String, Object> row(RepositoryRecord r) {
        var m = new HashMap<String, Object>();
        m.put("path", r.path());
        m.put("description", r.description());
        m.put("visibility", r.visibility());
        m.put("modified", r.lastModified() == null ? "" : MODIFIED.format(r.lastModified()));
        return m;
    }

    /** Renders a template of {@code ui/} with the frame's model: who is signed in, the CSRF token, read-only mode. */
    private void render(RoutingContext ctx, int status, String template, Map<String, Object> model) {
        Identity who = ApiAuth.identity(ctx);
        model.put("user", who == null || who.anonymous() ? null : who.username());
        model.put("csrf", auth.csrfToken(ctx));
        model.put("readOnly", config.readOnly());
        engine.render(model, "ui/" + template + ".peb").onSuccess(html -> ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("X-Frame-Options", "DENY").end(html)).onFailure(err -> {
            if (template.equals("error")) fallback(ctx, status, err); else ctx.fail(err);
        });
    }

    /** Shows a client error next to the form; anything else is a server failure. */
    private static void inline(RoutingContext ctx, Throwable err, java.util.function.Consumer<String> show) {
        if (err instanceof BerthException e && Http.status(e) < 500) show.accept(e.getMessage());
        else ctx.fail(err);
    }

    private void failure(RoutingContext ctx) {
        if (Http.cutIfStarted(ctx)) return;
        BerthException error = Http.failureOf(ctx);
        int status = Http.status(error);
        if (status >= 500) LOG.error("UI request {} failed", ctx.normalizedPath(), ctx.failure());
        var model = new HashMap<String, Object>();
        model.put("status", status);
        model.put("title", "Error " + status);
        model.put("heading", switch (status) {
            case 401, 403 -> "Not allowed";
            case 404 -> "Page not found";
            default -> status >= 500 ? "Something went wrong" : "Request refused";
        });
        model.put("message", switch (status) {
            case 404 -> "There is nothing at this address, or you are not allowed to see it.";
            case 401, 403 -> error.getMessage() + " Sign in with an account that has access, or go back.";
            default -> status >= 500 ? "The registry could not complete this request. Try again; if it keeps happening, tell the registry's administrators."
                    : error.getMessage();
        });
        render(ctx, status, "error", model);
    }

    private static void fallback(RoutingContext ctx, int status, Throwable err) {
        LOG.error("error page failed to render", err);
        Http.page(ctx, status, "Berth: error", "<h1>" + status + "</h1><p><a href=\"/\">Start page</a></p>");
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader("Location", location).end();
    }

    private static String form(RoutingContext ctx, String name) {
        String value = ctx.request().getFormAttribute(name);
        return value == null ? "" : value.trim();
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
