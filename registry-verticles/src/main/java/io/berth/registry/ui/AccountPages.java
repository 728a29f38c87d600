package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.Sessions;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.iam.UserService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * User settings: e-mail, password and deleting the account. As on /api/v1, these need a fresh login; UserService and
 * NamespaceService validate, end other sessions and write the usage log.
 */
final class AccountPages {
    private final Pages pages;
    private final ApiAuth auth;
    private final UserService users;
    private final NamespaceService namespaces;

    AccountPages(Pages pages, ApiAuth auth, UserService users, NamespaceService namespaces) {
        this.pages = pages;
        this.auth = auth;
        this.users = users;
        this.namespaces = namespaces;
    }

    void mount(Router router) {
        router.get("/user/settings").handler(ctx -> show(ctx, 200, null));
        router.post("/user/settings").handler(this::change);
    }

    private void show(RoutingContext ctx, int status, String error) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.redirect(ctx, "/signin");
            return;
        }
        users.find(who.username()).onSuccess(account -> {
            var model = new HashMap<String, Object>();
            model.put("title", "Account settings");
            model.put("email", account.email() == null ? "" : account.email());
            model.put("error", error);
            model.put("notice", ctx.request().getParam("done"));
            pages.render(ctx, status, "settings", model);
        }).onFailure(ctx::fail);
    }

    private void change(RoutingContext ctx) {
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        Future<String> done = Future.future(p -> {
            Identity who = ApiAuth.requireFresh(ctx, "user:admin");
            Sessions.Session session = ApiAuth.session(ctx);
            String keep = session == null ? null : session.token();
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
                case "delete" -> {
                    if (!Pages.form(ctx, "confirm").equals(who.username())) {
                        throw new BerthException(ErrorCode.INVALID_REQUEST,
                                "Type your username " + who.username() + " exactly to delete your account.");
                    }
                    users.find(who.username()).compose(account -> namespaces.delete(who, account, false, ip))
                            .map(v -> {
                                auth.clearSessionCookie(ctx);
                                return "/";
                            }).onComplete(p);
                }
                default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
            }
        });
        done.onSuccess(target -> Pages.redirect(ctx, target))
                .onFailure(err -> Pages.inline(ctx, err, message -> show(ctx, 400, message)));
    }
}
