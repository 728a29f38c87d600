package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.OAuthTokenRepository.Application;
import io.berth.registry.auth.OAuthTokenRepository.Grant;
import io.berth.registry.auth.OAuthTokenRepository.TokenView;
import io.berth.registry.db.Sql;
import io.berth.registry.iam.Account;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.UserService;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Organizations' OAuth applications (quay-api.md §3.2): create, change, delete, reset the client secret, and mint,
 * list and revoke tokens under them. Only the organization's admins may; client secrets are sealed at rest and shown
 * to them only. And a user's own grants (Quay's {@code user/authorizations}): the live tokens that act for the user,
 * which the user may revoke.
 */
public final class ApplicationService {
    /** Quay's default and longest token lifetime: ten years. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofSeconds((long) (60 * 60 * 24 * 365.25 * 10));
    private static final int MAX_NAME = 255;

    private final Pool pool;
    private final OAuthTokenRepository rows;
    private final OAuthTokens tokens;
    private final SecretBox box;
    private final OrganizationService organizations;
    private final Authorizer authorizer;
    private final UsageLogger usage;

    public ApplicationService(Pool pool, OAuthTokenRepository rows, OAuthTokens tokens, SecretBox box,
                              OrganizationService organizations, Authorizer authorizer, UsageLogger usage) {
        this.pool = pool;
        this.rows = rows;
        this.tokens = tokens;
        this.box = box;
        this.organizations = organizations;
        this.authorizer = authorizer;
        this.usage = usage;
    }

    /** What an application's admin may set; {@code name} is required. */
    public record Fields(String name, String description, String redirectUri, String applicationUri, String avatarEmail) {
        void validate() {
            if (name == null || name.isBlank()) throw new BerthException(ErrorCode.INVALID_REQUEST, "'name' is a required property");
            if (name.length() > MAX_NAME) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Application name must be at most " + MAX_NAME + " characters");
            }
            if (redirectUri != null && !redirectUri.isEmpty() && !httpUrl(redirectUri)) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid redirect_uri: must be an http or https URL");
            }
            if (avatarEmail != null && !avatarEmail.isEmpty() && !UserService.validEmail(avatarEmail)) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid avatar_email: " + avatarEmail);
            }
        }
    }

    /** A token just minted: how its admins see it, and its plain text (shown this once). */
    public record MintedToken(TokenView view, String token) {}

    /** The plain client secret; null for one that cannot be read back (written before secrets were sealed). */
    public String clientSecret(Application app) {
        return app.sealedSecret().isEmpty() ? null : box.open(app.sealedSecret());
    }

    public Future<List<Application>> list(Identity who, String org) {
        return administered(who, org).compose(o -> rows.listApplications(pool, o.id()));
    }

    public Future<Application> create(Identity who, String org, Fields fields, String ip) {
        fields.validate();
        return administered(who, org).compose(o -> rows.insertApplication(pool, o.id(), SecretCodes.random(20),
                        box.seal(SecretCodes.random(40)), fields.name(), orEmpty(fields.description()),
                        orEmpty(fields.redirectUri()), orEmpty(fields.applicationUri()), fields.avatarEmail()))
                .onSuccess(app -> log("create_application", who, app, ip));
    }

    public Future<Application> get(Identity who, String org, String clientId) {
        return administered(who, org).compose(o -> owned(o, clientId));
    }

    public Future<Application> update(Identity who, String org, String clientId, Fields fields, String ip) {
        fields.validate();
        return get(who, org, clientId)
                .compose(app -> rows.updateApplication(pool, app.id(), fields.name(), orEmpty(fields.description()),
                                orEmpty(fields.redirectUri()), orEmpty(fields.applicationUri()), fields.avatarEmail())
                        .compose(v -> rows.findApplication(pool, clientId)))
                .onSuccess(app -> log("update_application", who, app, ip));
    }

    public Future<Void> delete(Identity who, String org, String clientId, String ip) {
        return get(who, org, clientId)
                .compose(app -> rows.deleteApplication(pool, app.id()).onSuccess(v -> log("delete_application", who, app, ip)));
    }

    /** A new client secret; the old one stops working at once. */
    public Future<Application> resetSecret(Identity who, String org, String clientId, String ip) {
        return get(who, org, clientId)
                .compose(app -> rows.setSecret(pool, app.id(), box.seal(SecretCodes.random(40)))
                        .compose(v -> rows.findApplication(pool, clientId)))
                .onSuccess(app -> log("reset_application_client_secret", who, app, ip));
    }

    public Future<List<TokenView>> tokens(Identity who, String org, String clientId) {
        return get(who, org, clientId).compose(app -> rows.listTokens(pool, app.id()));
    }

    /**
     * Mints a token that acts for the caller under the application. The caller must hold every scope it asks for: an
     * OAuth caller within its own token's scopes, and only a superuser may hand out {@code super:user}.
     *
     * @param expirationSeconds the lifetime; null for the longest (ten years), longer values are capped to it
     */
    public Future<MintedToken> mint(Identity who, String org, String clientId, String name, String scope,
                                    Long expirationSeconds, String ip) {
        String displayName = name == null ? null : name.strip();
        if (displayName == null || displayName.isEmpty() || displayName.length() > MAX_NAME) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Token name must be 1 to " + MAX_NAME + " characters");
        }
        Set<String> scopes = OAuthScopes.parse(scope);
        if (scopes == null) throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid scope: " + scope);
        if (expirationSeconds != null && expirationSeconds < 1) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "expiration must be a positive number of seconds");
        }
        Duration lifetime = expirationSeconds == null || expirationSeconds > MAX_TOKEN_LIFETIME.toSeconds()
                ? MAX_TOKEN_LIFETIME : Duration.ofSeconds(expirationSeconds);
        return get(who, org, clientId).compose(app -> {
            boolean held = scopes.stream().allMatch(who::hasScope)
                    && (!scopes.contains("super:user") || authorizer.isSuperUser(who));
            if (!held) return Future.failedFuture(Authorizer.refusal(who));
            return tokens.mint(pool, app.id(), who.accountId(), scopes, lifetime, displayName)
                    .compose(minted -> rows.findToken(pool, minted.uuid())
                            .map(view -> new MintedToken(view, minted.token())))
                    .onSuccess(minted -> usage.log("create_oauth_api_token", app.ownerId(), who, null, ip,
                            appMetadata(app).put("oauth_token_uuid", minted.view().uuid().toString())
                                    .put("scope", minted.view().scope()).put("token_display_name", displayName)));
        });
    }

    public Future<Void> revokeToken(Identity who, String org, String clientId, String tokenUuid, String ip) {
        UUID uuid = Sql.uuidOrNull(tokenUuid);
        if (uuid == null) return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
        return get(who, org, clientId).compose(app -> rows.deleteToken(pool, app.id(), uuid).compose(deleted -> {
            if (!deleted) return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            usage.log("revoke_oauth_api_token", app.ownerId(), who, null, ip,
                    appMetadata(app).put("oauth_token_uuid", uuid.toString()));
            return Future.succeededFuture();
        }));
    }

    /** The caller's authorized applications: every live token acting for it (user:admin). */
    public Future<List<Grant>> authorizations(Identity who) {
        return authorizer.requireOwnAccount(who).compose(v -> rows.grants(pool, who.accountId()));
    }

    /** One of the caller's grants; 404 when it has none with that uuid. */
    public Future<Grant> authorization(Identity who, String tokenUuid) {
        UUID uuid = Sql.uuidOrNull(tokenUuid);
        return authorizer.requireOwnAccount(who)
                .compose(v -> uuid == null ? Future.succeededFuture(null) : rows.grant(pool, who.accountId(), uuid))
                .compose(grant -> grant == null ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                        : Future.succeededFuture(grant));
    }

    /**
     * Revokes one of the caller's grants: the token stops working at once. Logged like an admin's revocation, in the
     * application owner's namespace where the token's creation was logged.
     */
    public Future<Void> revokeAuthorization(Identity who, String tokenUuid, String ip) {
        return authorization(who, tokenUuid).compose(grant -> rows.deleteToken(pool, grant.application().id(),
                        grant.uuid())
                .onSuccess(v -> usage.log("revoke_oauth_api_token", grant.application().ownerId(), who, null, ip,
                        appMetadata(grant.application()).put("oauth_token_uuid", grant.uuid().toString())))
                .mapEmpty());
    }

    /** Any application by client id, for its public view; 404 when there is none. */
    public Future<Application> find(String clientId) {
        return rows.findApplication(pool, clientId).compose(app -> app == null
                ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                : Future.succeededFuture(app));
    }

    /** The organization, when the caller administers it: 401 or 403 otherwise, then 404 when it is no organization. */
    private Future<Account> administered(Identity who, String org) {
        return authorizer.requireAdministers(pool, who, org).compose(v -> organizations.find(org));
    }

    private Future<Application> owned(Account org, String clientId) {
        return rows.findApplication(pool, clientId).compose(app -> app == null || app.ownerId() != org.id()
                ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                : Future.succeededFuture(app));
    }

    private void log(String kind, Identity who, Application app, String ip) {
        usage.log(kind, app.ownerId(), who, null, ip, appMetadata(app));
    }

    private static JsonObject appMetadata(Application app) {
        return new JsonObject().put("application_name", app.name()).put("client_id", app.clientId());
    }


    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
