package io.berth.registry.iam;

import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** Teams, their members and invitations, and the invitation answers (quay-api.md §3.3). */
public final class TeamApi {
    private final TeamService teams;

    public TeamApi(TeamService teams) {
        this.teams = teams;
    }

    public void mount(Router api) {
        String team = "/organization/:org/team/:team";
        api.put(team).handler(this::save);
        api.delete(team).handler(this::delete);
        api.get(team + "/members").handler(this::members);
        api.put(team + "/members/:member").handler(this::addMember);
        api.delete(team + "/members/:member").handler(this::removeMember);
        api.put(team + "/invite/:email").handler(this::inviteEmail);
        api.delete(team + "/invite/:email").handler(this::deleteInvite);
        api.get(team + "/permissions").handler(this::permissions);
        api.put("/teaminvite/:code").handler(this::accept);
        api.delete("/teaminvite/:code").handler(this::decline);
    }

    private void save(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        teams.save(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), Http.requiredString(body, "role"),
                        Http.optionalString(body, "description"), Http.clientIp(ctx))
                .onSuccess(saved -> Http.json(ctx, 200, new JsonObject()
                        .put("name", saved.team().name())
                        .put("description", saved.team().description())
                        .put("can_view", true)
                        .put("role", saved.team().role())
                        .put("avatar", Avatar.of(saved.team().name(), null, "team"))
                        .put("new_team", saved.created())))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        teams.delete(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void members(RoutingContext ctx) {
        boolean pending = "true".equalsIgnoreCase(ctx.queryParams().get("includePending"));
        teams.members(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), pending)
                .onSuccess(m -> {
                    var members = new JsonArray();
                    m.members().forEach(a -> members.add(member(a, false)));
                    m.invites().forEach(invite -> members.add(invite.invitee() != null ? member(invite.invitee(), true)
                            : emailInvite(invite.email())));
                    Http.json(ctx, 200, new JsonObject().put("name", m.team().name()).put("members", members)
                            .put("can_edit", m.canEdit()));
                })
                .onFailure(ctx::fail);
    }

    private void addMember(RoutingContext ctx) {
        teams.addMember(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), ctx.pathParam("member"),
                        Http.clientIp(ctx))
                .onSuccess(added -> Http.json(ctx, 200, member(added.account(), added.invited())))
                .onFailure(ctx::fail);
    }

    private void removeMember(RoutingContext ctx) {
        teams.removeMember(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), ctx.pathParam("member"),
                        Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void inviteEmail(RoutingContext ctx) {
        teams.inviteEmail(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"), ctx.pathParam("email"),
                        Http.clientIp(ctx))
                .onSuccess(invite -> Http.json(ctx, 200, emailInvite(invite.email())))
                .onFailure(ctx::fail);
    }

    private void deleteInvite(RoutingContext ctx) {
        teams.cancelInvite(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"),
                        ctx.pathParam("email"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void permissions(RoutingContext ctx) {
        teams.permissions(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("team"))
                .onSuccess(list -> Http.json(ctx, 200, new JsonObject().put("permissions", repositoryRoles(list))))
                .onFailure(ctx::fail);
    }

    private void accept(RoutingContext ctx) {
        teams.accept(ApiAuth.identity(ctx), ctx.pathParam("code"), Http.clientIp(ctx))
                .onSuccess(joined -> Http.json(ctx, 200, new JsonObject().put("org", joined.organization())
                        .put("team", joined.team())))
                .onFailure(ctx::fail);
    }

    private void decline(RoutingContext ctx) {
        teams.decline(ApiAuth.identity(ctx), ctx.pathParam("code"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static JsonObject member(Account account, boolean invited) {
        return new JsonObject().put("name", account.username()).put("kind", "user")
                .put("is_robot", account.isRobot()).put("avatar", Avatar.of(account)).put("invited", invited);
    }

    private static JsonObject emailInvite(String email) {
        return new JsonObject().put("email", email).put("kind", "invite")
                .put("avatar", Avatar.of(email, email, "user")).put("invited", true);
    }

    /** Quay's permission list of a team or robot: {@code [{repository: {name, is_public}, role}]}. */
    static JsonArray repositoryRoles(List<PermissionRepository.RepositoryGrant> grants) {
        var out = new JsonArray();
        grants.forEach(g -> out.add(new JsonObject()
                .put("repository", new JsonObject().put("name", g.repository()).put("is_public", g.isPublic()))
                .put("role", g.role().apiName())));
        return out;
    }
}
