package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.SuperuserService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The superuser panel (users named in SUPER_USERS): users (create, enable or disable, delete) and organizations. */
final class SuperuserPages {
    private static final int LIMIT = 200;

    private final Pages pages;
    private final SuperuserService superusers;

    SuperuserPages(Pages pages, SuperuserService superusers) {
        this.pages = pages;
        this.superusers = superusers;
    }

    void mount(Router router) {
        router.get("/superuser").handler(ctx -> show(ctx, 200, null, null));
        router.post("/superuser").handler(this::change);
    }

    private void show(RoutingContext ctx, int status, String error, Map<String, String> created) {
        Identity who = ApiAuth.identity(ctx);
        Future.<Void>future(p -> {
            if (who.anonymous()) throw new BerthException(ErrorCode.NOT_FOUND, "Not Found");
            p.complete();
        }).compose(v -> Future.all(superusers.users(who, true, null, LIMIT), superusers.organizations(who, null, LIMIT)))
                .map(all -> {
                    var model = new HashMap<String, Object>();
                    model.put("title", "Superuser panel");
                    model.put("users", all.<List<Account>>resultAt(0).stream()
                            .map(a -> Map.of("name", a.username(), "email", a.email() == null ? "" : a.email(),
                                    "enabled", a.enabled())).toList());
                    model.put("organizations", all.<List<Account>>resultAt(1).stream()
                            .map(a -> a.username()).toList());
                    model.put("error", error);
                    model.put("created", created);
                    return model;
                })
                .onSuccess(model -> pages.render(ctx, status, "superuser", model))
                .onFailure(err -> ctx.fail(err instanceof BerthException e && Http.status(e) < 500
                        ? new BerthException(ErrorCode.NOT_FOUND, "Not Found") : err));
    }

    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String ip = Http.clientIp(ctx);
        String username = Pages.form(ctx, "username");
        Future.<Map<String, String>>future(p -> {
            switch (Pages.form(ctx, "action")) {
                case "create" -> superusers.createUser(who, username, Pages.form(ctx, "email"), ip)
                        .map(c -> Map.of("name", c.account().username(), "password", c.password())).onComplete(p);
                case "enable", "disable" -> superusers.updateUser(who, username, null, null,
                        Pages.form(ctx, "action").equals("enable"), ip).<Map<String, String>>map(a -> null).onComplete(p);
                case "delete" -> superusers.deleteUser(who, username, ip).<Map<String, String>>map(v -> null).onComplete(p);
                default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
            }
        }).onSuccess(created -> show(ctx, 200, null, created))
                .onFailure(err -> Pages.inline(ctx, err, message -> show(ctx, 400, message, null)));
    }
}
