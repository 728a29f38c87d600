package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.AppTokenRepository.AppToken;
import io.berth.registry.auth.AppTokenService;
import io.berth.registry.auth.ApplicationService;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthScopes;
import io.berth.registry.auth.OAuthTokenRepository;
import io.berth.registry.auth.Sessions;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.iam.OrganizationRepository;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.RobotCredentials;
import io.berth.registry.iam.RobotService;
import io.berth.registry.iam.UserService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The user's own pages, Quay's tabs: User Settings (e-mail, password, time machine, account type, deleting the
 * account), Robot Accounts (each robot's page is {@link RobotPages}), Authorized Applications, and Docker CLI and other
 * Application Tokens (with {@code FEATURE_APP_SPECIFIC_TOKENS}). As on /api/v1, changes to the account itself and to
 * its app tokens need a fresh login; the services validate, check permissions and write the usage log.
 */
final class AccountPages {
    /**
     * Actions that change the account itself or its app tokens: Quay asks for a recent sign-in before them (PUT/DELETE
     * /user/, POST and DELETE /user/apptoken).
     */
    private static final Set<String> FRESH = Set.of("email", "password", "expiration", "delete", "apptoken",
            "revoke-apptoken");
    /** The app token just created, shown in the answer to its form this once. */
    private static final String CREATED = "createdAppToken";
    private static final int MAX_ROBOTS = 200;

    private final Pages pages;
    private final ApiAuth auth;
    private final UserService users;
    private final NamespaceService namespaces;
    private final OrganizationService organizations;
    private final RobotService robots;
    private final ApplicationService applications;
    private final AppTokenService appTokens;
    private final BerthConfig config;
    private final Set<String> tabs;

    AccountPages(Pages pages, BerthConfig config, ApiAuth auth, UserService users, NamespaceService namespaces,
                 OrganizationService organizations, RobotService robots, ApplicationService applications,
                 AppTokenService appTokens) {
        this.pages = pages;
        this.auth = auth;
        this.users = users;
        this.namespaces = namespaces;
        this.organizations = organizations;
        this.robots = robots;
        this.applications = applications;
        this.appTokens = appTokens;
        this.config = config;
        this.tabs = config.appTokens().enabled() ? Set.of("settings", "robots", "applications", "apptokens")
                : Set.of("settings", "robots", "applications");
    }

    void mount(Router router) {
        router.get("/user/settings").handler(ctx -> show(ctx, 200, null));
        router.post("/user/settings").handler(this::change);
    }

    private void show(RoutingContext ctx, int status, String error) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx);
            return;
        }
        String tab = ctx.get("tab", ctx.request().getParam("tab", "settings"));
        if (!tabs.contains(tab)) {
            ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            return;
        }
        users.find(who.username()).compose(account -> {
            var model = new HashMap<String, Object>();
            model.put("title", switch (tab) {
                case "robots" -> "Robot Accounts";
                case "applications" -> "Authorized Applications";
                case "apptokens" -> "Docker CLI and other Application Tokens";
                default -> "User Settings";
            });
            model.put("tab", tab);
            model.put("appTokens", tabs.contains("apptokens"));
            model.put("error", error);
            model.put("notice", ctx.request().getParam("done"));
            // the landing of a recovery link (RecoveryPages): the password form to the fore; not on a form's answer
            model.put("recovering", ctx.request().method() == HttpMethod.GET
                    && "password".equals(ctx.request().getParam("action")));
            return switch (tab) {
                case "robots" -> robots(who, model);
                case "applications" -> applications(who, model);
                case "apptokens" -> appTokens(who, ctx.get(CREATED), model);
                default -> settings(who, account, model);
            };
        }).onSuccess(model -> pages.render(ctx, status, "settings", model)).onFailure(ctx::fail);
    }

    private Future<Map<String, Object>> settings(Identity who, Account account, Map<String, Object> model) {
        model.put("email", account.email() == null ? "" : account.email());
        model.put("expiration", account.removedTagExpirationS());
        model.put("window", duration(account.removedTagExpirationS()));
        model.put("timeMachine", namespaces.tagExpirationChangeable());
        model.put("expirations", namespaces.tagExpirationOptions().stream()
                .map(s -> Map.of("seconds", s, "label", duration(s))).toList());
        return Future.all(organizations.memberships(who), namespaces.solelyAdministered(account)).map(all -> {
            model.put("memberships", all.<List<OrganizationRepository.Membership>>resultAt(0).stream()
                    .map(m -> m.organization().username()).toList());
            model.put("soleAdmin", all.resultAt(1));
            return model;
        });
    }

    private Future<Map<String, Object>> robots(Identity who, Map<String, Object> model) {
        return robots.list(new RobotService.Owner(who, null), false, false, MAX_ROBOTS).map(list -> {
            model.put("robots", list.stream().map(v -> Map.of(
                    "name", v.robot().name(),
                    "short", v.robot().name().substring(who.username().length() + 1),
                    "description", v.robot().description() == null ? "" : v.robot().description(),
                    "created", Pages.time(v.robot().created()),
                    "lastAccessed", v.robot().lastAccessed() == null ? "Never" : Pages.time(v.robot().lastAccessed())))
                    .toList());
            return model;
        });
    }

    private Future<Map<String, Object>> applications(Identity who, Map<String, Object> model) {
        return applications.authorizations(who).map(grants -> {
            model.put("grants", grants.stream().map(AccountPages::grant).toList());
            return model;
        });
    }

    /** The tokens, and the one just created ({@code created}, else null) with its code and docker login command. */
    private Future<Map<String, Object>> appTokens(Identity who, AppToken created, Map<String, Object> model) {
        return appTokens.list(who, false).map(list -> {
            var now = OffsetDateTime.now();
            model.put("tokens", list.stream().map(t -> Map.of(
                    "uuid", t.uuid().toString(),
                    "title", t.title(),
                    "created", Pages.time(t.created()),
                    "lastAccessed", t.lastAccessed() == null ? "Never" : Pages.time(t.lastAccessed()),
                    "expiration", t.expiration() == null ? "Never"
                            : (t.expiration().isAfter(now) ? "" : "Expired ") + Pages.time(t.expiration())))
                    .toList());
            model.put("lifetime", config.appTokens().expiration() == null || config.appTokens().expiration().isZero()
                    ? null : duration(config.appTokens().expiration().toSeconds()));
            if (created != null) {
                String code = appTokens.code(created);
                model.put("created", Map.of("title", created.title(), "code", code, "dockerLogin",
                        RobotCredentials.dockerLogin(config.serverHostname(), AppTokenService.USERNAME, code)));
            }
            return model;
        });
    }

    private static Map<String, Object> grant(OAuthTokenRepository.Grant g) {
        var app = g.application();
        var m = new HashMap<String, Object>();
        m.put("uuid", g.uuid().toString());
        m.put("name", app.name());
        String uri = app.applicationUri() == null ? "" : app.applicationUri();
        // an application's URI is whatever its admins typed: link it only when it is a web address
        m.put("url", uri.regionMatches(true, 0, "https://", 0, 8) || uri.regionMatches(true, 0, "http://", 0, 7) ? uri : "");
        m.put("owner", app.owner());
        m.put("scopes", OAuthScopes.described(g.scope()).entrySet().stream().map(e -> Map.of("scope", e.getKey(),
                "description", e.getValue(), "dangerous", OAuthScopes.DANGEROUS.contains(e.getKey()))).toList());
        m.put("authorized", Pages.time(g.created()));
        return m;
    }

    /**
     * The forms of the tabs, by their {@code action} field; a client error shows next to its form (400). A new app token
     * is shown in the answer itself, as it is the only time the page shows it; other changes redirect.
     */
    private void change(RoutingContext ctx) {
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        Future<String> done = Future.future(p -> {
            Identity who = FRESH.contains(action) ? ApiAuth.requireFresh(ctx, "user:admin") : ApiAuth.identity(ctx);
            Sessions.Session session = ApiAuth.session(ctx);
            String keep = session == null ? null : session.token();
            var owner = new RobotService.Owner(who, null);
            if (action.endsWith("apptoken") && !tabs.contains("apptokens")) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
            }
            switch (action) {
                case "email" -> users.update(who, keep, new UserService.Update(null, Pages.form(ctx, "email"), Map.of(),
                        null), ip).map("/user/settings?done=email").onComplete(p);
                case "password" -> {
                    if (!Pages.form(ctx, "password").equals(Pages.form(ctx, "repeat"))) {
                        throw new BerthException(ErrorCode.INVALID_REQUEST, "The two passwords differ.");
                    }
                    users.update(who, keep, new UserService.Update(Pages.form(ctx, "password"), null, Map.of(), null), ip)
                            .map("/user/settings?done=password").onComplete(p);
                }
                case "expiration" -> users.update(who, keep, new UserService.Update(null, null, Map.of(),
                        Pages.windowSeconds(Pages.form(ctx, "expiration"))), ip).map("/user/settings?done=expiration").onComplete(p);
                case "convert" -> organizations.convert(who, Pages.form(ctx, "adminUser"),
                                Objects.requireNonNullElse(ctx.request().getFormAttribute("adminPassword"), ""), ip)
                        .map(v -> {
                            // the account is an organization now: its sessions, this one too, have ended
                            auth.clearSessionCookie(ctx);
                            return "/signin?converted=" + who.username();
                        }).onComplete(p);
                case "delete" -> {
                    Pages.requireTyped(ctx, who.username(), "your username " + who.username(), "your account");
                    users.find(who.username()).compose(account -> namespaces.delete(who, account, false, ip))
                            .map(v -> {
                                auth.clearSessionCookie(ctx);
                                return "/";
                            }).onComplete(p);
                }
                case "robot" -> {
                    String name = Pages.form(ctx, "name");
                    robots.create(owner, name, Pages.form(ctx, "description"), new JsonObject(), ip)
                            .map("/user/settings/robots/" + name).onComplete(p);
                }
                case "delete-robot" -> robots.delete(owner, Pages.form(ctx, "name"), ip)
                        .map("/user/settings?tab=robots&done=robot").onComplete(p);
                case "revoke" -> applications.revokeAuthorization(who, Pages.form(ctx, "uuid"), ip)
                        .map("/user/settings?tab=applications&done=revoke").onComplete(p);
                case "apptoken" -> appTokens.create(who, Pages.form(ctx, "title"), ip).map(token -> {
                    ctx.put(CREATED, token);
                    return (String) null;
                }).onComplete(p);
                case "revoke-apptoken" -> appTokens.revoke(who, Pages.form(ctx, "uuid"), ip)
                        .map("/user/settings?tab=apptokens&done=apptoken").onComplete(p);
                default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
            }
        });
        String tab = switch (action) {
            case "robot", "delete-robot" -> "robots";
            case "revoke" -> "applications";
            case "apptoken", "revoke-apptoken" -> tabs.contains("apptokens") ? "apptokens" : "settings";
            default -> "settings";
        };
        done.onSuccess(target -> {
                    if (target != null) {
                        Pages.redirect(ctx, target);
                        return;
                    }
                    ctx.put("tab", tab);
                    show(ctx, 200, null);
                })
                .onFailure(err -> Pages.inline(ctx, err, message -> {
                    ctx.put("tab", tab);
                    show(ctx, 400, err instanceof BerthException e && e.code() == ErrorCode.FRESH_LOGIN_REQUIRED
                            ? "Sign out and sign in again to change this: it needs a recent sign-in." : message);
                }));
    }

    /** A window as the user's settings say it: "None" for no time machine, else as {@link Pages#window}. */
    private static String duration(long seconds) {
        return seconds == 0 ? "None" : Pages.window(seconds);
    }
}
