package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.AppTokenService;
import io.berth.registry.auth.ApplicationService;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SessionApi;
import io.berth.registry.build.BuildService;
import io.berth.registry.build.UserFileService;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.iam.RecoveryService;
import io.berth.registry.iam.RobotService;
import io.berth.registry.iam.SuperuserService;
import io.berth.registry.iam.TeamService;
import io.berth.registry.content.TagService;
import io.berth.registry.iam.UserService;
import io.berth.registry.logs.LogService;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The web UI: server-rendered Pebble pages at the root, calling the same services as /api/v1. Pages use the browser
 * session of {@link ApiAuth} and its CSRF rule (every form posts {@code _csrf_token}).
 */
public final class UiPages {
    private static final int PAGE = 20;

    private final BerthConfig config;
    private final Pool pool;
    private final ApiAuth auth;
    private final SessionApi sessionApi;
    private final UserService users;
    private final AccountRepository accounts;
    private final RepositoryService repositories;
    private final Pages pages;
    private final RepositoryPages repositoryPages;
    private final OrganizationPages organizationPages;
    private final TeamPages teamPages;
    private final InvitePages invitePages;
    private final RobotPages robotPages;
    private final ApplicationPages applicationPages;
    private final AccountPages accountPages;
    private final SuperuserPages superuserPages;
    private final RecoveryPages recoveryPages;
    private final LogPages logPages;

    public UiPages(Vertx vertx, BerthConfig config, Pool pool, ApiAuth auth, SessionApi sessionApi, UserService users,
                   AccountRepository accounts, RepositoryService repositories, OrganizationService organizations,
                   TagService tags, PermissionService permissions, TeamService teams, RobotService robots, NamespaceService namespaces,
                   SuperuserService superusers, BuildService builds, LogService logs,
                   UserFileService files, ApplicationService applications, AppTokenService appTokens,
                   RecoveryService recovery) {
        this.config = config;
        this.pool = pool;
        this.auth = auth;
        this.sessionApi = sessionApi;
        this.users = users;
        this.accounts = accounts;
        this.repositories = repositories;
        this.pages = new Pages(vertx, config, auth);
        this.logPages = new LogPages(pages, logs, config.usageLog());
        this.repositoryPages = new RepositoryPages(pages, config, auth, repositories, organizations, tags, permissions,
                builds, files, logs, logPages);
        this.organizationPages = new OrganizationPages(pages, organizations, teams, robots, repositories,
                permissions, applications, namespaces);
        this.teamPages = new TeamPages(pages, teams, permissions, repositories);
        this.invitePages = new InvitePages(pages, teams);
        this.robotPages = new RobotPages(pages, robots, permissions, repositories);
        this.applicationPages = new ApplicationPages(pages, config, applications);
        this.accountPages = new AccountPages(pages, config, auth, users, namespaces, organizations, robots,
                applications, appTokens);
        this.superuserPages = new SuperuserPages(pages, superusers, config);
        this.recoveryPages = new RecoveryPages(pages, auth, recovery);
    }

    /** Mounts the pages and their assets; mount last, so the API surfaces keep their own paths. */
    public void mount(Vertx vertx, Router root) {
        root.route("/static/*").handler(StaticHandler.create("ui/static"));
        root.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));

        Router router = Router.router(vertx);
        router.route().handler(Pages::startTimer);
        router.route().failureHandler(pages::failure);
        // Start New Build streams its upload: mounted before the body handler and its limit
        repositoryPages.mountStreamed(router, auth::handleSessionCsrfInBody);
        router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.route().handler(auth::handleSession);
        router.get("/").handler(this::landing);
        router.get("/signin").handler(ctx -> {
            var model = signinModel(null, "", Pages.returnPath(ctx.request().getParam("next")));
            // after a conversion: the account is an organization now, administered by the user it named
            model.put("converted", ctx.request().getParam("converted"));
            pages.render(ctx, 200, "signin", model);
        });
        router.post("/signin").handler(this::signin);
        router.get("/signup").handler(ctx -> signupForm(ctx, 200, null, "", "",
                Pages.returnPath(ctx.request().getParam("next"))));
        router.post("/signup").handler(this::signup);
        router.post("/signout").handler(ctx -> sessionApi.signOut(ctx).onSuccess(v -> Pages.redirect(ctx, "/")).onFailure(ctx::fail));
        router.get("/explore").handler(this::explore);
        router.get("/repository").handler(this::repositoryList);
        router.post(InvitePages.LISTED).handler(ctx -> invitePages.answerListed(ctx, () -> repositoryList(ctx)));
        repositoryPages.mount(router);
        organizationPages.mount(router);
        teamPages.mount(router);
        invitePages.mount(router);
        recoveryPages.mount(router);
        robotPages.mount(router);
        applicationPages.mount(router);
        accountPages.mount(router);
        logPages.mount(router);
        if (config.featureSuperUsers()) superuserPages.mount(router);
        router.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found")));
        root.route("/*").subRouter(router);
    }

    private void landing(RoutingContext ctx) {
        accounts.countUsers(pool).onSuccess(count -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Container registry");
            model.put("empty", count == 0 && config.featureUserInitialize());
            pages.render(ctx, 200, "landing", model);
        }).onFailure(ctx::fail);
    }

    /** The sign-in form; {@code next} the page of this site to go back to afterwards, or null. */
    private Map<String, Object> signinModel(String error, String username, String next) {
        var model = new HashMap<String, Object>();
        model.put("title", "Sign in");
        model.put("error", error);
        model.put("username", username);
        model.put("signupAllowed", config.featureUserCreation());
        model.put("recovery", recoveryPages.enabled());
        model.put("next", next);
        model.put("invite", next != null && next.startsWith(InvitePages.PATH));
        return model;
    }

    private void signin(RoutingContext ctx) {
        String username = Pages.form(ctx, "username");
        String next = Pages.returnPath(Pages.form(ctx, "next"));
        sessionApi.signIn(ctx, username, Pages.form(ctx, "password"))
                .onSuccess(v -> Pages.redirect(ctx, afterSignIn(next)))
                .onFailure(err -> Pages.inline(ctx, err, message -> pages.render(ctx, 400, "signin",
                        signinModel(message, username, next))));
    }

    private static String afterSignIn(String next) {
        return next != null ? next : "/repository";
    }

    /** The sign-up form; it creates the first user (Quay's initialization) while the database has none. */
    private void signupForm(RoutingContext ctx, int status, String error, String username, String email, String next) {
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
            model.put("next", next);
            pages.render(ctx, status, "signup", model);
        }).onFailure(ctx::fail);
    }

    private void signup(RoutingContext ctx) {
        String username = Pages.form(ctx, "username");
        String email = Pages.form(ctx, "email");
        String password = Pages.form(ctx, "password");
        String next = Pages.returnPath(Pages.form(ctx, "next"));
        String ip = Http.clientIp(ctx);
        accounts.countUsers(pool)
                .compose(count -> Future.<Account>future(p -> {
                    // validation throws before any future exists: turn it into a failed future for the inline message
                    if (count == 0 && config.featureUserInitialize()) {
                        users.initialize(username, password, blankToNull(email), false, ip)
                                .map(created -> created.account()).onComplete(p);
                    } else if (config.featureUserCreation()) {
                        users.create(username, password, blankToNull(email), ip).onComplete(p);
                    } else {
                        p.fail(new BerthException(ErrorCode.DENIED, "Account creation is disabled on this registry."));
                    }
                }))
                .compose(account -> auth.startSession(ctx, account.id()).map(account))
                // an unverified address was just mailed its confirmation link (see UserService.create)
                .onSuccess(account -> Pages.redirect(ctx, next == null && !account.verified()
                        ? "/repository?done=confirm-email" : afterSignIn(next)))
                .onFailure(err -> Pages.inline(ctx, err, message -> signupForm(ctx, 400, message, username, email,
                        next)));
    }

    private void explore(RoutingContext ctx) {
        String q = ctx.request().getParam("q", "").trim();
        repositories.explore(q, ctx.request().getParam("after"), PAGE + 1).onSuccess(rows -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Explore");
            model.put("q", q);
            page(model, rows);
            pages.render(ctx, 200, "explore", model);
        }).onFailure(ctx::fail);
    }

    /**
     * The repositories of the user and of their organizations (those they can read), by path, below the team
     * invitations waiting for the user's answer.
     */
    private void repositoryList(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx);
            return;
        }
        Future.all(repositories.listReadable(who, false, ctx.request().getParam("after"), PAGE + 1),
                invitePages.addressedTo(who)).onSuccess(loaded -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Repositories");
            model.put("notice", Pages.notice(ctx));
            page(model, loaded.resultAt(0));
            model.put("invitations", loaded.resultAt(1));
            pages.render(ctx, Pages.rejection(ctx, model), "repositories", model);
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
        m.put("modified", Pages.time(r.lastModified()));
        return m;
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
