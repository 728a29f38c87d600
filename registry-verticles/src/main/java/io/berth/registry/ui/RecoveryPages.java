package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.iam.RecoveryService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * "Forgot your password?": {@code /recovery} asks for the account's e-mail address and sends the recovery mail through
 * {@link RecoveryService} (the service behind {@code POST /api/v1/recovery}); the mailed link {@code /recovery?code=}
 * signs the user in on a new session, fresh as after a sign-in, and leads to the password form of User Settings.
 * Only while the registry sends mail, as in Quay.
 */
final class RecoveryPages {
    static final String PATH = "/recovery";
    /** Where a recovery sign-in lands: User Settings with the password form to the fore (Quay's action=password). */
    static final String LANDING = "/user/settings?action=password";

    private final Pages pages;
    private final ApiAuth auth;
    private final RecoveryService recovery;

    RecoveryPages(Pages pages, ApiAuth auth, RecoveryService recovery) {
        this.pages = pages;
        this.auth = auth;
        this.recovery = recovery;
    }

    /** Whether the sign-in page offers recovery. */
    boolean enabled() {
        return recovery.enabled();
    }

    void mount(Router router) {
        if (!enabled()) return;
        router.get(PATH).handler(this::show);
        router.post(PATH).handler(this::request);
    }

    private void show(RoutingContext ctx) {
        String code = ctx.request().getParam("code");
        if (code == null) {
            form(ctx, 200, null, "");
            return;
        }
        recovery.redeem(code)
                .compose(account -> auth.startSession(ctx, account.id()))
                .onSuccess(v -> Pages.redirect(ctx, LANDING))
                .onFailure(err -> {
                    if (err instanceof BerthException e && e.code() == ErrorCode.NOT_FOUND) {
                        var model = model("Invalid recovery code");
                        model.put("invalid", RecoveryService.INVALID_CODE);
                        pages.render(ctx, 404, "recovery", model);
                    } else {
                        ctx.fail(err);
                    }
                });
    }

    /**
     * Shows the answer at once rather than after a redirect: for an organization's address it names the
     * organization, which must not travel in a link.
     */
    private void request(RoutingContext ctx) {
        String email = Pages.form(ctx, "email");
        recovery.request(email).onSuccess(answer -> {
            var model = model("Recover your account");
            model.put("sent", !answer.organization());
            model.put("orgEmail", answer.orgEmail());
            model.put("orgName", answer.orgName());
            pages.render(ctx, 200, "recovery", model);
        }).onFailure(err -> Pages.inline(ctx, err, message -> form(ctx, 400, message, email)));
    }

    private void form(RoutingContext ctx, int status, String error, String email) {
        var model = model("Recover your account");
        model.put("error", error);
        model.put("email", email);
        pages.render(ctx, status, "recovery", model);
    }

    private static Map<String, Object> model(String title) {
        var model = new HashMap<String, Object>();
        model.put("title", title);
        return model;
    }
}
