package io.berth.registry.iam;

import io.berth.registry.auth.Identity;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Organizations (quay-api.md §3.2): create, view, update, delete, members and collaborators; and converting the
 * calling user into an organization ({@code POST /api/v1/user/convert}, §3.16).
 */
public final class OrganizationApi {
    private final OrganizationService organizations;
    private final NamespaceService namespaces;

    public OrganizationApi(OrganizationService organizations, NamespaceService namespaces) {
        this.organizations = organizations;
        this.namespaces = namespaces;
    }

    public void mount(Router api) {
        api.post("/organization/").handler(this::create);
        api.get("/organization/:org").handler(this::view);
        api.put("/organization/:org").handler(this::update);
        api.get("/organization/:org/members").handler(this::members);
        api.get("/organization/:org/members/:member").handler(this::member);
        api.delete("/organization/:org/members/:member").handler(this::removeMember);
        api.get("/organization/:org/collaborators").handler(this::collaborators);
        api.post("/user/convert").handler(this::convert);
        api.delete("/organization/:org").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        Identity who = ApiAuth.require(ctx, "user:admin");
        JsonObject body = Http.jsonBody(ctx);
        String email = Http.optionalString(body, "email");
        organizations.create(who, Http.optionalString(body, "name"), email != null ? email : Http.optionalString(body, "contact_email"),
                        Http.clientIp(ctx))
                .onSuccess(org -> Http.json(ctx, 201, "Created"))
                .onFailure(ctx::fail);
    }

    private void view(RoutingContext ctx) {
        organizations.view(ApiAuth.identity(ctx), ctx.pathParam("org"))
                .onSuccess(view -> Http.json(ctx, 200, render(view)))
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        JsonObject body = Http.jsonBody(ctx);
        String email = Http.optionalString(body, "email");
        var changes = new OrganizationService.Changes(email != null ? email : Http.optionalString(body, "contact_email"),
                Http.optional(body, "invoice_email", Boolean.class, "boolean"), Http.optionalString(body, "invoice_email_address"),
                NamespaceService.tagExpirationOf(body));
        organizations.update(who, ctx.pathParam("org"), changes, Http.clientIp(ctx))
                .onSuccess(view -> Http.json(ctx, 200, render(view)))
                .onFailure(ctx::fail);
    }

    private void members(RoutingContext ctx) {
        organizations.members(ApiAuth.identity(ctx), ctx.pathParam("org"))
                .onSuccess(list -> Http.json(ctx, 200, new JsonObject().put("members", members(list))))
                .onFailure(ctx::fail);
    }

    private void member(RoutingContext ctx) {
        organizations.member(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("member"))
                .onSuccess(m -> Http.json(ctx, 200, member(m).put("kind", m.account().isRobot() ? "robot" : "user")))
                .onFailure(ctx::fail);
    }

    private void removeMember(RoutingContext ctx) {
        organizations.removeMember(ApiAuth.identity(ctx), ctx.pathParam("org"), ctx.pathParam("member"),
                        Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void collaborators(RoutingContext ctx) {
        organizations.collaborators(ApiAuth.identity(ctx), ctx.pathParam("org"))
                .onSuccess(list -> Http.json(ctx, 200, new JsonObject().put("collaborators", members(list))))
                .onFailure(ctx::fail);
    }

    private void convert(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        organizations.convert(ApiAuth.identity(ctx), Http.requiredString(body, "adminUser"),
                        Http.requiredString(body, "adminPassword"), Http.clientIp(ctx))
                .onSuccess(v -> Http.json(ctx, 200, new JsonObject().put("success", true)))
                .onFailure(ctx::fail);
    }

    private static JsonObject render(OrganizationService.View view) {
        Account org = view.organization();
        var out = new JsonObject()
                .put("name", org.username())
                .put("avatar", Avatar.of(org))
                .put("is_admin", view.admin())
                .put("is_member", view.member());
        if (view.admin()) {
            out.put("email", org.email())
                    .put("invoice_email", view.settings().invoiceEmail())
                    .put("invoice_email_address", view.settings().invoiceEmailAddress())
                    .put("tag_expiration_s", org.removedTagExpirationS())
                    .put("is_free_account", true);
        }
        if (view.teams() != null) {
            var teams = new JsonObject();
            var ordered = new JsonArray();
            for (var entry : view.teams()) {
                var team = entry.summary().team();
                teams.put(team.name(), new JsonObject()
                        .put("name", team.name())
                        .put("description", team.description())
                        .put("role", team.role())
                        .put("avatar", Avatar.of(team.name(), null, "team"))
                        .put("can_view", entry.canView())
                        .put("repo_count", entry.summary().repositoryCount())
                        .put("member_count", entry.summary().memberCount())
                        .put("is_synced", false));
                ordered.add(team.name());
            }
            out.put("teams", teams).put("ordered_teams", ordered);
        }
        return out;
    }

    private static JsonArray members(List<OrganizationService.Member> list) {
        var out = new JsonArray();
        list.forEach(m -> out.add(member(m).put("kind", "user")));
        return out;
    }

    private static JsonObject member(OrganizationService.Member m) {
        var teams = new JsonArray();
        m.teams().forEach(team -> teams.add(new JsonObject().put("name", team).put("avatar", Avatar.of(team, null, "team"))));
        return new JsonObject()
                .put("name", m.account().username())
                .put("avatar", Avatar.of(m.account()))
                .put("teams", teams)
                .put("repositories", new JsonArray(m.repositories()));
    }

    /** Deletes the organization and everything it owns (org:admin and a fresh login). */
    private void delete(RoutingContext ctx) {
        Identity who = ApiAuth.requireFresh(ctx, "org:admin");
        namespaces.deleteOrganization(who, ctx.pathParam("org"), Http.clientIp(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }
}
