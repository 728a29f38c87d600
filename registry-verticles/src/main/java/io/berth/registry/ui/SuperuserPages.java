package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
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

/**
 * The superuser panel (users named in SUPER_USERS), Quay's users and organizations management: create users, and per
 * user change e-mail or password, send a recovery e-mail (when mail is on), disable or enable, take ownership, delete; per organization rename, take ownership,
 * delete. Deleting asks for the name to be typed. Superusers are listed but not managed, as the API refuses it.
 */
final class SuperuserPages {
    private static final int LIMIT = 200;

    private final Pages pages;
    private final SuperuserService superusers;
    private final BerthConfig config;

    SuperuserPages(Pages pages, SuperuserService superusers, BerthConfig config) {
        this.pages = pages;
        this.superusers = superusers;
        this.config = config;
    }

    void mount(Router router) {
        router.get("/superuser").handler(ctx -> show(ctx, 200, null, null, null));
        router.post("/superuser").handler(this::change);
    }

    private void show(RoutingContext ctx, int status, String error, String notice, Map<String, String> created) {
        Identity who = ApiAuth.identity(ctx);
        Future.<Void>future(p -> {
            if (who.anonymous()) throw new BerthException(ErrorCode.NOT_FOUND, "Not Found");
            p.complete();
        }).compose(v -> Future.all(superusers.users(who, true, null, LIMIT), superusers.organizations(who, null, LIMIT)))
                .map(all -> {
                    var model = new HashMap<String, Object>();
                    model.put("title", "Superuser panel");
                    model.put("users", all.<List<Account>>resultAt(0).stream()
                            .map(a -> Map.of("name", a.username(), "email", email(a), "enabled", a.enabled(),
                                    "superuser", config.isSuperUser(a.username()))).toList());
                    model.put("organizations", all.<List<Account>>resultAt(1).stream()
                            .map(a -> Map.of("name", a.username(), "email", email(a))).toList());
                    model.put("error", error);
                    model.put("notice", notice);
                    model.put("sendsRecovery", superusers.sendsRecovery());
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
        String org = Pages.form(ctx, "org");
        Future.<Outcome>future(p -> {
            switch (Pages.form(ctx, "action")) {
                case "create" -> superusers.createUser(who, username, Pages.form(ctx, "email"), ip)
                        .map(c -> new Outcome(null, Map.of("name", c.account().username(), "password", c.password())))
                        .onComplete(p);
                case "email" -> superusers.updateUser(who, username, null, Pages.form(ctx, "email"), null, ip)
                        .map(a -> Outcome.notice("The e-mail of " + username + " is now " + a.email() + "."))
                        .onComplete(p);
                case "password" -> superusers.updateUser(who, username, Pages.form(ctx, "password"), null, null, ip)
                        .map(a -> Outcome.notice("The password of " + username + " was changed.")).onComplete(p);
                case "send-recovery" -> superusers.sendRecovery(who, username)
                        .map(address -> Outcome.notice("A recovery e-mail was sent to " + address + ".")).onComplete(p);
                case "enable", "disable" -> {
                    boolean enable = Pages.form(ctx, "action").equals("enable");
                    superusers.updateUser(who, username, null, null, enable, ip)
                            .map(a -> Outcome.notice(username + " is " + (enable ? "enabled" : "disabled") + "."))
                            .onComplete(p);
                }
                case "take-ownership" -> {
                    String namespace = Pages.form(ctx, "namespace");
                    superusers.takeOwnership(who, namespace, ip).map(wasUser -> Outcome.notice(wasUser
                            ? namespace + " is now an organization that you administer."
                            : "You are now an administrator of " + namespace + ".")).onComplete(p);
                }
                case "delete" -> {
                    Pages.requireTyped(ctx, username, username, "the user");
                    superusers.deleteUser(who, username, ip).map(v -> Outcome.notice(username + " was deleted."))
                            .onComplete(p);
                }
                case "rename-org" -> {
                    String name = Pages.form(ctx, "name");
                    superusers.renameOrganization(who, org, name, ip)
                            .map(a -> Outcome.notice(org + " is now called " + a.username() + ".")).onComplete(p);
                }
                case "delete-org" -> {
                    Pages.requireTyped(ctx, org, org, "the organization");
                    superusers.deleteOrganization(who, org, ip).map(v -> Outcome.notice(org + " was deleted."))
                            .onComplete(p);
                }
                default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
            }
        }).onSuccess(done -> show(ctx, 200, null, done.notice(), done.created()))
                .onFailure(err -> Pages.inline(ctx, err, message -> show(ctx, 400, message, null, null)));
    }

    private static String email(Account account) {
        return account.email() == null ? "" : account.email();
    }

    /** What the panel says after a change: a notice, or the new user's one-time password. */
    private record Outcome(String notice, Map<String, String> created) {
        static Outcome notice(String text) {
            return new Outcome(text, null);
        }
    }
}
