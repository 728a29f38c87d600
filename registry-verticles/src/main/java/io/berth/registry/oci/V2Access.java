package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.RegistryAction;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.RegistryTokens;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.Http;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Set;

/**
 * Access control for /v2 routes. A bearer token's {@code access} claim says what the caller may do (the Authorizer
 * decided that when {@code /v2/auth} issued it); without a token, public repositories are readable when anonymous
 * access is on. To a caller without read access a private repository looks exactly like a missing one: 401.
 */
public final class V2Access {
    private static final String CLAIMS = "registryClaims";
    private static final String GRANTED = "registryGranted";

    private final BerthConfig config;
    private final RegistryTokens tokens;
    private final RepositoryService repositories;
    private final V2Challenge challenge;

    public V2Access(BerthConfig config, RegistryTokens tokens, RepositoryService repositories, V2Challenge challenge) {
        this.config = config;
        this.tokens = tokens;
        this.repositories = repositories;
        this.challenge = challenge;
    }

    /** A /v2 repository request that passed the access check. */
    public record Granted(RepositoryRecord repository, Identity identity, String ip) {}

    /** Route handler: verifies a bearer token if one is sent and remembers its claims for the request. */
    public void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null) {
            ctx.put(CLAIMS, new RegistryTokens.Claims(Identity.ANONYMOUS, Map.of()));
            ctx.next();
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(new BerthException(ErrorCode.UNAUTHORIZED, "Bearer token required"));
            return;
        }
        tokens.verify(header.substring(7).trim())
                .onSuccess(claims -> {
                    ctx.put(CLAIMS, claims);
                    ctx.next();
                })
                .onFailure(ctx::fail);
    }

    /** The repository named by the route's {@code name} group; single-segment names map to the library namespace. */
    public RepositoryName name(RoutingContext ctx) {
        return RepositoryName.parse(ctx.pathParam("name"),
                config.featureLibrarySupport() ? config.libraryNamespace() : null);
    }

    public RegistryTokens.Claims claims(RoutingContext ctx) {
        return ctx.get(CLAIMS);
    }

    /** The access this request was granted, or null before (or without) a successful check. */
    public static Granted granted(RoutingContext ctx) {
        return ctx.get(GRANTED);
    }

    private static Future<Granted> remember(RoutingContext ctx, Future<Granted> granted) {
        return granted.onSuccess(g -> ctx.put(GRANTED, g));
    }

    /** For reads (pull): the repository must exist and be readable. */
    public Future<Granted> pull(RoutingContext ctx, RepositoryName name) {
        RegistryTokens.Claims claims = claims(ctx);
        boolean granted = grantsPull(claims, name);
        return remember(ctx, repositories.find(name).compose(repo -> {
            if (repo == null) {
                return granted ? Future.failedFuture(new BerthException(ErrorCode.NAME_UNKNOWN, "repository not found"))
                        : Future.failedFuture(unauthorized(name, "pull"));
            }
            if (granted || readableByAll(repo)) {
                return Future.succeededFuture(new Granted(repo, claims.identity(), Http.clientIp(ctx)));
            }
            return Future.failedFuture(unauthorized(name, "pull"));
        }));
    }

    /**
     * A read check that never fails the request, for a second repository a request touches (the {@code from} of a
     * cross-repository mount): the repository when the caller may read it, else null (missing or not readable).
     */
    public Future<RepositoryRecord> readable(RoutingContext ctx, RepositoryName name) {
        boolean granted = grantsPull(claims(ctx), name);
        return repositories.find(name).map(repo -> repo != null && (granted || readableByAll(repo)) ? repo : null);
    }

    private static boolean grantsPull(RegistryTokens.Claims claims, RepositoryName name) {
        Set<RegistryAction> actions = claims.actionsOn(name.toString());
        return actions.contains(RegistryAction.PULL) || actions.contains(RegistryAction.ALL);
    }

    private boolean readableByAll(RepositoryRecord repo) {
        return repo.isPublic() && config.featureAnonymousAccess();
    }

    /**
     * For writes (push): the token must grant push. A repository that does not exist yet is created, as Quay does
     * when the caller may create repositories in the namespace (the token only grants push then).
     */
    public Future<Granted> push(RoutingContext ctx, RepositoryName name) {
        if (config.readOnly()) return Future.failedFuture(new BerthException(ErrorCode.READ_ONLY));
        RegistryTokens.Claims claims = claims(ctx);
        Set<RegistryAction> actions = claims.actionsOn(name.toString());
        if (!actions.contains(RegistryAction.PUSH) && !actions.contains(RegistryAction.ALL)) {
            return Future.failedFuture(unauthorized(name, "pull,push"));
        }
        String ip = Http.clientIp(ctx);
        return remember(ctx, repositories.find(name).compose(repo -> repo != null ? Future.succeededFuture(repo)
                        : repositories.create(claims.identity(), name,
                                config.createPrivateRepoOnPush() ? "private" : "public", "", true, ip))
                .map(repo -> new Granted(repo, claims.identity(), ip)));
    }

    /** For deletes: the token must grant push or delete, and the repository must exist. */
    public Future<Granted> delete(RoutingContext ctx, RepositoryName name) {
        if (config.readOnly()) return Future.failedFuture(new BerthException(ErrorCode.READ_ONLY));
        RegistryTokens.Claims claims = claims(ctx);
        Set<RegistryAction> actions = claims.actionsOn(name.toString());
        if (java.util.Collections.disjoint(actions, Set.of(RegistryAction.PUSH, RegistryAction.DELETE, RegistryAction.ALL))) {
            return Future.failedFuture(unauthorized(name, "pull,push,delete"));
        }
        return remember(ctx, repositories.find(name).compose(repo -> repo == null
                ? Future.failedFuture(new BerthException(ErrorCode.NAME_UNKNOWN, "repository not found"))
                : Future.succeededFuture(new Granted(repo, claims.identity(), Http.clientIp(ctx)))));
    }

    private BerthException unauthorized(RepositoryName name, String actions) {
        return new BerthException(ErrorCode.UNAUTHORIZED, "access to the requested resource is not authorized",
                Map.of(), Map.of("WWW-Authenticate", challenge.header("repository:" + name + ":" + actions)));
    }
}
