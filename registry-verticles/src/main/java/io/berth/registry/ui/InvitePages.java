package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.db.Sql;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.iam.TeamService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Where a team invitation's e-mail leads, {@code /confirminvite?code=} as in Quay: the invitee sees the organization,
 * the team and who invited them, and accepts or declines through {@link TeamService}, the calls behind
 * {@code PUT/DELETE /api/v1/teaminvite/<code>} (which also decide who may answer). Signed-out visitors sign in or up
 * first and come back here. The same answers are on the signed-in user's Repositories page, which lists the
 * invitations addressed to them ({@link TeamService#addressedTo}) and answers them by id.
 */
final class InvitePages {
    static final String PATH = "/confirminvite";
    /** The Repositories page, whose Pending invitations post to it. */
    static final String LISTED = "/repository";

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

    private void answer(RoutingContext ctx) {
        String code = Pages.form(ctx, "code");
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx, link(code));
            return;
        }
        String ip = Http.clientIp(ctx);
        answered(Pages.form(ctx, "action"), () -> teams.accept(who, code, ip), () -> teams.decline(who, code, ip))
                .onSuccess(location -> Pages.redirect(ctx, location)).onFailure(err -> refused(ctx, err));
    }

    /** The Pending invitations of the Repositories page: team, organization and inviter, and the id to answer by. */
    Future<List<Map<String, Object>>> addressedTo(Identity who) {
        return teams.addressedTo(who).map(list -> list.stream().map(pending -> {
            Map<String, Object> m = new HashMap<>();
            m.put("id", pending.id().toString());
            m.put("org", pending.organization());
            m.put("team", pending.team());
            m.put("inviter", pending.inviter());
            return m;
        }).toList());
    }

    /**
     * Accept or Decline of the Repositories page's list, to the same pages as by code. An invitation answered or
     * cancelled since the list was shown is said next to the list ({@code showList} renders it again); one not
     * addressed to the caller, or no id at all, is a missing page.
     */
    void answerListed(RoutingContext ctx, Runnable showList) {
        Identity who = ApiAuth.identity(ctx);
        if (who.anonymous()) {
            Pages.signInFirst(ctx, LISTED);
            return;
        }
        UUID id = Sql.uuidOrNull(Pages.form(ctx, "invite"));
        if (id == null) {
            ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            return;
        }
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        answered(action, () -> teams.accept(who, id, ip), () -> teams.decline(who, id, ip))
                .onSuccess(location -> Pages.redirect(ctx, location))
                .onFailure(err -> Pages.rejectForm(ctx, err, "invite", showList));
    }

    /** Accept leads to the team's page, which its members see; decline back to the user's repositories. */
    private static Future<String> answered(String action, Supplier<Future<TeamService.Joined>> accept,
                                           Supplier<Future<Void>> decline) {
        return switch (action) {
            case "accept" -> accept.get().map(joined ->
                    "/organization/" + joined.organization() + "/teams/" + joined.team() + "?done=joined");
            case "decline" -> decline.get().map(LISTED + "?done=invite-declined");
            default -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action"));
        };
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
