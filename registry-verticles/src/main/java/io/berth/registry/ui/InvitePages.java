package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.TeamService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a team invitation's e-mail leads, {@code /confirminvite?code=} as in Quay: the invitee sees the organization,
 * the team and who invited them, and accepts or declines through {@link TeamService}, the calls behind
 * {@code PUT/DELETE /api/v1/teaminvite/<code>} (which also decide who may answer). Signed-out visitors sign in or up
 * first and come back here.
 */
final class InvitePages {
    static final String PATH = "/confirminvite";

    private final Pages pages;
    private final TeamService teams;

    InvitePages(Pages pages, TeamService teams) {
        this.pages = pages;
        this.teams = teams;
    }

    void mount(Router router) {
        router.get(PATH).handler(this::show);
        router.post(PATH).handler(this::answer);
    }

    private void show(RoutingContext ctx) {
        String code = ctx.request().getParam("code", "");
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx, link(code));
            return;
        }
        teams.invitation(who, code).onSuccess(pending -> {
            var model = model("Team invitation");
            model.put("org", pending.organization());
            model.put("team", pending.team());
            model.put("inviter", pending.inviter());
            model.put("code", code);
            pages.render(ctx, 200, "confirm-invite", model);
        }).onFailure(err -> refused(ctx, err));
    }

    /** Accept leads to the team's page, which its members see; decline back to the user's repositories. */
    private void answer(RoutingContext ctx) {
        String code = Pages.form(ctx, "code");
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx, link(code));
            return;
        }
        String ip = Http.clientIp(ctx);
        Future<String> next = switch (Pages.form(ctx, "action")) {
            case "accept" -> teams.accept(who, code, ip).map(joined ->
                    "/organization/" + joined.organization() + "/teams/" + joined.team() + "?done=joined");
            case "decline" -> teams.decline(who, code, ip).map("/repository?done=invite-declined");
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        };
        next.onSuccess(location -> Pages.redirect(ctx, location)).onFailure(err -> refused(ctx, err));
    }

    /**
     * A code that names no pending invitation gets a page saying so (404); any other client error, such as another
     * user's invitation, shows the service's message (400).
     */
    private void refused(RoutingContext ctx, Throwable err) {
        if (err instanceof BerthException e && e.code() == ErrorCode.NOT_FOUND) {
            var model = model("Invitation no longer valid");
            model.put("invalid", true);
            pages.render(ctx, 404, "confirm-invite", model);
            return;
        }
        Pages.inline(ctx, err, message -> {
            var model = model("Team invitation");
            model.put("error", message);
            pages.render(ctx, 400, "confirm-invite", model);
        });
    }

    private static Map<String, Object> model(String title) {
        var model = new HashMap<String, Object>();
        model.put("title", title);
        return model;
    }

    private static String link(String code) {
        return PATH + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8);
    }
}
