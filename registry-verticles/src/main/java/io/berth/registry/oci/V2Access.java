package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.RegistryAction;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.RegistryTokens;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.Http;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.repo.RepositoryService;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.Set;

/**
 * Access control for /v2 routes. A bearer token's {@code access} claim says what the caller asked for and was allowed
 * when {@code /v2/auth} issued it; every request checks again, through the Authorizer, that the caller's credential
 * still holds and that its current role still allows the action (the claim and the role intersect), so a removed team
 * member, a deleted permission or a regenerated robot token lose access at once. Without a token, public repositories
 * are readable when anonymous access is on. To a caller without read access a private repository looks exactly like
 * a missing one: 401.
 */
public final class V2Access {
    private static final String CLAIMS = "registryClaims";
    private static final String GRANTED = "registryGranted";

    private final BerthConfig config;
    private final RegistryTokens tokens;
    private final RepositoryService repositories;
    private final Authorizer authorizer;
    private final Pool pool;
    private final V2Challenge challenge;

    public V2Access(BerthConfig config, RegistryTokens tokens, RepositoryService repositories, Authorizer authorizer,
                    Pool pool, V2Challenge challenge) {
        this.config = config;
        this.tokens = tokens;
        this.repositories = repositories;
        this.authorizer = authorizer;
        this.pool = pool;
        this.challenge = challenge;
    }

    /** A /v2 repository request that passed the access check. */
    public record Granted(RepositoryRecord repository, Identity identity, String ip) {}

    /**
     * Route handler: verifies a bearer token if one is sent, and that the credential it was issued for still holds,
     * and remembers its claims for the request (never longer).
     */
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
                .compose(claims -> authorizer.current(pool, claims.identity()).compose(current -> current != null
                        ? Future.succeededFuture(claims)
                        : Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED,
                                "Invalid bearer token: its credentials are no longer valid"))))
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
        boolean claimed = claims(claims, name, RegistryAction.PULL);
        return remember(ctx, repositories.access(claims.identity(), name).compose(a -> {
            if (a.repository() == null) {
                return claimed ? Future.failedFuture(new BerthException(ErrorCode.NAME_UNKNOWN, "repository not found"))
                        : Future.failedFuture(unauthorized(name, "pull"));
            }
            if (readableByAll(a.repository()) || claimed && a.role().atLeast(Role.READ)) {
                return Future.succeededFuture(new Granted(a.repository(), claims.identity(), Http.clientIp(ctx)));
            }
            return Future.failedFuture(unauthorized(name, "pull"));
        }));
    }

    /**
     * A read check that never fails the request, for a second repository a request touches (the {@code from} of a
     * cross-repository mount): the repository when the caller may read it, else null (missing or not readable).
     */
    public Future<RepositoryRecord> readable(RoutingContext ctx, RepositoryName name) {
        RegistryTokens.Claims claims = claims(ctx);
        boolean claimed = claims(claims, name, RegistryAction.PULL);
        return repositories.access(claims.identity(), name).map(a -> a.repository() != null
                && (readableByAll(a.repository()) || claimed && a.role().atLeast(Role.READ)) ? a.repository() : null);
    }

    private boolean readableByAll(RepositoryRecord repo) {
        return repo.isPublic() && config.featureAnonymousAccess();
    }

    /**
     * For writes (push): the token must grant push and the caller must still hold write. A repository that does not
     * exist yet is created, as Quay does, when the caller may create repositories in the namespace.
     */
    public Future<Granted> push(RoutingContext ctx, RepositoryName name) {
        if (config.readOnly()) return Future.failedFuture(new BerthException(ErrorCode.READ_ONLY));
        RegistryTokens.Claims claims = claims(ctx);
        if (!claims(claims, name, RegistryAction.PUSH)) return Future.failedFuture(unauthorized(name, "pull,push"));
        Identity who = claims.identity();
        String ip = Http.clientIp(ctx);
        return remember(ctx, repositories.access(who, name)
                .compose(a -> a.repository() != null ? Future.succeededFuture(a)
                        : repositories.create(who, name, config.createPrivateRepoOnPush() ? "private" : "public", "",
                                        true, ip)
                                .recover(err -> Future.failedFuture(err instanceof BerthException be
                                        && be.code() == ErrorCode.DENIED ? unauthorized(name, "pull,push") : err))
                                // a concurrent push may have created it: the role decides, not who created it
                                .compose(repo -> authorizer.role(pool, who, repo)
                                        .map(role -> new RepositoryService.Access(repo, role))))
                .compose(a -> a.role().atLeast(Role.WRITE)
                        ? Future.succeededFuture(new Granted(a.repository(), who, ip))
                        : Future.failedFuture(unauthorized(name, "pull,push"))));
    }

    /** For deletes: the token must grant push or delete, the caller must still hold write, the repository exist. */
    public Future<Granted> delete(RoutingContext ctx, RepositoryName name) {
        if (config.readOnly()) return Future.failedFuture(new BerthException(ErrorCode.READ_ONLY));
        RegistryTokens.Claims claims = claims(ctx);
        if (!claims(claims, name, RegistryAction.PUSH) && !claims(claims, name, RegistryAction.DELETE)) {
            return Future.failedFuture(unauthorized(name, "pull,push,delete"));
        }
        return remember(ctx, repositories.access(claims.identity(), name).compose(a -> {
            if (a.repository() == null) {
                return Future.failedFuture(new BerthException(ErrorCode.NAME_UNKNOWN, "repository not found"));
            }
            return a.role().atLeast(Role.WRITE)
                    ? Future.succeededFuture(new Granted(a.repository(), claims.identity(), Http.clientIp(ctx)))
                    : Future.failedFuture(unauthorized(name, "pull,push,delete"));
        }));
    }

    /** Whether the token's claim on the repository includes the action (or {@code *}). */
    private static boolean claims(RegistryTokens.Claims claims, RepositoryName name, RegistryAction action) {
        Set<RegistryAction> actions = claims.actionsOn(name.toString());
        return actions.contains(action) || actions.contains(RegistryAction.ALL);
    }

    private BerthException unauthorized(RepositoryName name, String actions) {
        return new BerthException(ErrorCode.UNAUTHORIZED, "access to the requested resource is not authorized",
                Map.of(), Map.of("WWW-Authenticate", challenge.header("repository:" + name + ":" + actions)));
    }
}
