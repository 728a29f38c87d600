package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.ApplicationService;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.OAuthScopes;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OAuth application of an organization, for its admins (Quay's Manage Application): OAuth information with the
 * client secret and Reset Client Secret, the settings form, Generate Token (a token acting for the caller with the
 * scopes chosen, minted by {@link ApplicationService#mint} and shown once) and Delete Application.
 */
final class ApplicationPages {
    private final Pages pages;
    private final BerthConfig config;
    private final ApplicationService applications;

    ApplicationPages(Pages pages, BerthConfig config, ApplicationService applications) {
        this.pages = pages;
        this.config = config;
        this.applications = applications;
    }

    void mount(Router router) {
        router.get("/organization/:org/applications/:client").handler(ctx -> show(ctx, null));
        router.post("/organization/:org/applications/:client").handler(this::change);
    }

    /** The settings an application's form posts, as {@link ApplicationService} validates them. */
    static ApplicationService.Fields fields(RoutingContext ctx) {
        return new ApplicationService.Fields(Pages.form(ctx, "name"), Pages.form(ctx, "description"),
                Pages.form(ctx, "redirect_uri"), Pages.form(ctx, "application_uri"),
                Pages.form(ctx, "avatar_email").isEmpty() ? null : Pages.form(ctx, "avatar_email"));
    }

    /** The page; {@code minted} is a token just generated, shown this once. */
    private void show(RoutingContext ctx, ApplicationService.MintedToken minted) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        boolean superuser = !who.anonymous() && config.isSuperUser(who.username());
        applications.get(who, org, ctx.pathParam("client")).map(app -> {
            var model = new HashMap<String, Object>();
            model.put("title", app.name() + " · " + org);
            model.put("org", org);
            model.put("name", app.name());
            model.put("description", app.description());
            model.put("applicationUri", app.applicationUri());
            model.put("redirectUri", app.redirectUri());
            model.put("avatarEmail", app.avatarEmail() == null ? "" : app.avatarEmail());
            model.put("clientId", app.clientId());
            model.put("clientSecret", applications.clientSecret(app));
            model.put("scopes", OAuthScopes.DESCRIPTIONS.entrySet().stream()
                    .filter(e -> superuser || !e.getKey().equals("super:user"))
                    .map(e -> Map.of("name", e.getKey(), "description", e.getValue(),
                            "dangerous", OAuthScopes.DANGEROUS.contains(e.getKey()))).toList());
            model.put("token", minted == null ? null : minted.token());
            model.put("tokenScope", minted == null ? null : minted.view().scope());
            model.put("notice", Pages.notice(ctx));
            return model;
        }).onSuccess(model -> {
            int status = Pages.rejection(ctx, model);
            if (status != 200 && "update".equals(model.get("errorFor"))) typedSettings(ctx, model);
            pages.render(ctx, status, "application", model);
        })
                .onFailure(err -> ctx.fail(Pages.hidden(err)));
    }

    /** A rejected settings form keeps what was typed. */
    private static void typedSettings(RoutingContext ctx, Map<String, Object> model) {
        model.put("name", Pages.form(ctx, "name"));
        model.put("description", Pages.form(ctx, "description"));
        model.put("applicationUri", Pages.form(ctx, "application_uri"));
        model.put("redirectUri", Pages.form(ctx, "redirect_uri"));
        model.put("avatarEmail", Pages.form(ctx, "avatar_email"));
    }

    private void change(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        String client = ctx.pathParam("client");
        String ip = Http.clientIp(ctx);
        String action = Pages.form(ctx, "action");
        String page = "/organization/" + org + "/applications/" + client;
        if (action.equals("token")) {
            Future.<ApplicationService.MintedToken>future(p -> {
                List<String> scopes = ctx.request().formAttributes().getAll("scope");
                if (scopes.isEmpty()) throw new BerthException(ErrorCode.INVALID_REQUEST, "Choose at least one scope.");
                applications.mint(who, org, client, Pages.form(ctx, "token_name"), String.join(" ", scopes), null, ip)
                        .onComplete(p);
            }).onSuccess(minted -> show(ctx, minted)).onFailure(err -> failed(ctx, err, action));
            return;
        }
        Future<String> done = Future.future(p -> (switch (action) {
            case "update" -> applications.update(who, org, client, fields(ctx), ip).map(page + "?done=update");
            case "reset-secret" -> applications.resetSecret(who, org, client, ip).map(page + "?done=secret");
            case "delete" -> applications.delete(who, org, client, ip)
                    .map("/organization/" + org + "?tab=applications&done=application-deleted");
            default -> throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown action");
        }).onComplete(p));
        done.onSuccess(target -> Pages.redirect(ctx, target)).onFailure(err -> failed(ctx, err, action));
    }

    private void failed(RoutingContext ctx, Throwable err, String action) {
        Pages.rejectForm(ctx, err, action, () -> show(ctx, null));
    }
}
