package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.RegistryAction;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.RegistryTokens;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.Http;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v2/} (the version check and auth challenge) and {@code GET /v2/auth} (the token endpoint that
 * {@code docker login} and every pull and push go through).
 */
public final class TokenApi {
    private final BerthConfig config;
    private final CredentialService credentials;
    private final RegistryTokens tokens;
    private final RepositoryService repositories;
    private final Authorizer authorizer;
    private final Pool pool;
    private final V2Challenge challenge;

    public TokenApi(BerthConfig config, CredentialService credentials, RegistryTokens tokens,
                    RepositoryService repositories, Authorizer authorizer, Pool pool,
                    V2Challenge challenge) {
        this.config = config;
        this.credentials = credentials;
        this.tokens = tokens;
        this.repositories = repositories;
        this.authorizer = authorizer;
        this.pool = pool;
        this.challenge = challenge;
    }

    public void mount(Router v2) {
        v2.get("/").handler(this::base);
        v2.get("/auth").handler(this::token);
    }

    private void base(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // the failure handler adds the challenge; the body is the spec's error envelope (Quay sends "true")
            ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "authentication required"));
            return;
        }
        tokens.verify(header.substring(7).trim())
                .onSuccess(claims -> ctx.response().putHeader("Content-Type", "application/json").end("true"))
                .onFailure(ctx::fail);
    }

    private void token(RoutingContext ctx) {
        List<String> scopes = new ArrayList<>();
        for (String s : ctx.queryParam("scope")) {
            for (String part : s.trim().split("\\s+")) if (!part.isEmpty()) scopes.add(part);
        }
        Map<RepositoryName, Set<RegistryAction>> requested;
        try {
            requested = parseScopes(scopes);
        } catch (BerthException e) {
            ctx.fail(e);
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        Future<Identity> who;
        if (header == null) {
            if (requested.isEmpty() || !config.featureAnonymousAccess()) {
                ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Invalid username or password"));
                return;
            }
            who = Future.succeededFuture(Identity.ANONYMOUS);
        } else {
            String[] basic = Http.basicCredentials(header);
            if (basic == null) {
                ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Basic credentials required"));
                return;
            }
            who = credentials.basic(basic[0], basic[1]).compose(login -> {
                // a request without scopes is a login (docker login); failures are audited whatever was asked
                if (requested.isEmpty() || !login.ok()) {
                    credentials.audit(login, basic[0], "v2auth", Http.clientIp(ctx), ctx.request().getHeader("User-Agent"));
                }
                if (login.throttled() != null) return Future.failedFuture(login.throttled());
                return login.ok() ? Future.succeededFuture(login.identity())
                        : Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED, "Invalid username or password"));
            });
        }
        who.compose(identity -> grants(identity, requested).map(grants -> tokens.issue(identity, grants)))
                .onSuccess(token -> Http.json(ctx, 200, new JsonObject().put("token", token)))
                .onFailure(ctx::fail);
    }

    /** Grants each requested action the caller's role allows; the rest are dropped, not refused. */
    private Future<List<RegistryTokens.Grant>> grants(Identity who, Map<RepositoryName, Set<RegistryAction>> requested) {
        Future<List<RegistryTokens.Grant>> chain = Future.succeededFuture(new ArrayList<>());
        for (var entry : requested.entrySet()) {
            RepositoryName name = entry.getKey();
            chain = chain.compose(list -> role(who, name).map(role -> {
                var allowed = EnumSet.noneOf(RegistryAction.class);
                for (RegistryAction action : entry.getValue()) {
                    if (role.atLeast(action.required())) allowed.add(action);
                }
                list.add(new RegistryTokens.Grant(name.toString(), allowed));
                return list;
            }));
        }
        return chain;
    }

    /** The caller's role; for a repository that does not exist yet, write when it may create it. */
    private Future<Role> role(Identity who, RepositoryName name) {
        return repositories.access(who, name).compose(a -> {
            if (a.repository() != null) return Future.succeededFuture(a.role());
            return authorizer.canCreateIn(pool, who, name.namespace()).map(can -> can ? Role.WRITE : Role.NONE);
        });
    }

    private Map<RepositoryName, Set<RegistryAction>> parseScopes(List<String> scopes) {
        Map<RepositoryName, Set<RegistryAction>> out = new LinkedHashMap<>();
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            if (parts.length < 3) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Unable to decode repository and actions: " + scope);
            }
            String type = parts[0];
            if (!type.equals("repository")) continue; // e.g. registry:catalog:* - nothing to grant, not an error
            String path = String.join(":", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1));
            String hostPrefix = config.serverHostname() + "/";
            if (path.startsWith(hostPrefix)) path = path.substring(hostPrefix.length());
            RepositoryName name = RepositoryName.parse(path,
                    config.featureLibrarySupport() ? config.libraryNamespace() : null);
            var actions = out.computeIfAbsent(name, n -> EnumSet.noneOf(RegistryAction.class));
            for (String a : parts[parts.length - 1].split(",")) {
                RegistryAction.fromWire(a.trim()).ifPresent(actions::add);
            }
        }
        return out;
    }
}
