package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.AppTokenRepository.AppToken;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.db.Sql;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A user's app-specific tokens (quay-api.md §1.4, §3.16): passwords for the docker CLI and other clients, used with the
 * username {@code $app}, that the user creates, lists, reads back and revokes. Only the user sees its own tokens, and
 * only with full access to its account ({@code user:admin}): never a robot. A token expires after
 * {@code APP_SPECIFIC_TOKEN_EXPIRATION} when that is set, and garbage collection deletes it
 * {@code EXPIRED_APP_SPECIFIC_TOKEN_GC} later. Superusers may list every user's tokens, never their codes.
 */
public final class AppTokenService {
    public static final String USERNAME = "$app";
    /** A token is a lookup name of this length and a secret of the same length, Quay's 60 + 60 of A–Z and 0–9. */
    public static final int NAME_LENGTH = 60;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int MAX_TITLE = 255;
    /** With no configured lifetime, {@code ?expiring} looks a tenth of four weeks ahead, as Quay does. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofDays(28);

    private final Pool pool;
    private final AppTokenRepository rows;
    private final SecretBox box;
    private final Authorizer authorizer;
    private final UsageLogger usage;
    private final Duration lifetime;
    private final Duration expiredCollection;

    public AppTokenService(BerthConfig.AppTokens config, Pool pool, AppTokenRepository rows, SecretBox box,
                           Authorizer authorizer, UsageLogger usage) {
        this.pool = pool;
        this.rows = rows;
        this.box = box;
        this.authorizer = authorizer;
        this.usage = usage;
        this.lifetime = config.expiration() == null || config.expiration().isZero() ? null : config.expiration();
        this.expiredCollection = config.expiredCollection();
    }

    /**
     * The caller's tokens; with {@code expiring}, only the live ones that expire within a tenth of the configured
     * lifetime (at least a second).
     */
    public Future<List<AppToken>> list(Identity who, boolean expiring) {
        return authorizer.requireOwnAccount(who).compose(v -> expiring
                ? rows.expiring(pool, who.accountId(), expiringUntil()) : rows.list(pool, who.accountId()));
    }

    /**
     * Every user's tokens, for a superuser's audit ({@code GET /api/v1/superuser/apptokens}); with {@code expiring},
     * only the live ones that expire soon, as in {@link #list}.
     */
    public Future<List<AppToken>> listAll(Identity who, boolean expiring) {
        if (!authorizer.isSuperUser(who)) return Future.failedFuture(Authorizer.refusal(who));
        return expiring ? rows.expiringAll(pool, expiringUntil()) : rows.listAll(pool);
    }

    /**
     * Deletes up to {@code limit} tokens that expired {@code EXPIRED_APP_SPECIFIC_TOKEN_GC} ago or more (a step of
     * garbage collection); returns how many. Safe on several nodes at once: each deletes the tokens it locked.
     */
    public Future<Integer> deleteExpired(int limit) {
        return expiredCollection == null ? Future.succeededFuture(0)
                : rows.deleteExpired(pool, expiredCollection, limit);
    }

    private OffsetDateTime expiringUntil() {
        long window = Math.max(1, (long) Math.ceil((lifetime != null ? lifetime : DEFAULT_LIFETIME).toSeconds() * 0.1));
        return OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(window);
    }

    /** A new token for the caller, titled as asked, expiring after the configured lifetime (if any). */
    public Future<AppToken> create(Identity who, String title, String ip) {
        String clean = title == null ? "" : title.strip();
        if (clean.isEmpty() || clean.length() > MAX_TITLE) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                    "Token title must be 1 to " + MAX_TITLE + " characters"));
        }
        String code = SecretCodes.random(2 * NAME_LENGTH, ALPHABET);
        OffsetDateTime expiration = lifetime == null ? null : OffsetDateTime.now(ZoneOffset.UTC).plus(lifetime);
        return authorizer.requireOwnAccount(who)
                .compose(v -> rows.insert(pool, who.accountId(), clean, code.substring(0, NAME_LENGTH),
                        box.seal(code.substring(NAME_LENGTH)), expiration))
                .onSuccess(token -> log("create_app_specific_token", who, token, ip));
    }

    /** One of the caller's live tokens; 404 when it has none of that uuid (or it expired). */
    public Future<AppToken> get(Identity who, String tokenUuid) {
        UUID uuid = Sql.uuidOrNull(tokenUuid);
        return authorizer.requireOwnAccount(who)
                .compose(v -> uuid == null ? Future.succeededFuture(null) : rows.find(pool, who.accountId(), uuid))
                .compose(AppTokenService::found);
    }

    /** Revokes one of the caller's tokens, expired or not: it stops working at once. 404 when it has none. */
    public Future<Void> revoke(Identity who, String tokenUuid, String ip) {
        UUID uuid = Sql.uuidOrNull(tokenUuid);
        return authorizer.requireOwnAccount(who)
                .compose(v -> uuid == null ? Future.succeededFuture(null) : rows.delete(pool, who.accountId(), uuid))
                .compose(AppTokenService::found)
                .onSuccess(token -> log("revoke_app_specific_token", who, token, ip))
                .mapEmpty();
    }

    /** The token's full code, the password its owner logs in with. */
    public String code(AppToken token) {
        String secret = box.open(token.sealedSecret());
        if (secret == null) throw new IllegalStateException("app token " + token.uuid() + " is sealed with another key");
        return token.tokenName() + secret;
    }

    private static Future<AppToken> found(AppToken token) {
        return token == null ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"))
                : Future.succeededFuture(token);
    }

    private void log(String kind, Identity who, AppToken token, String ip) {
        usage.log(kind, who.accountId(), who, null, ip, new JsonObject()
                .put("app_specific_token_title", token.title()).put("app_specific_token", token.uuid().toString()));
    }

}
