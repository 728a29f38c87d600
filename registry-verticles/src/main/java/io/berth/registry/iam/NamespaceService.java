package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigLoader;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.Set;
import java.util.stream.Collectors;

/** Settings that users and organizations share as namespaces: the time-machine window of removed tags. */
public final class NamespaceService {
    private final Pool pool;
    private final AccountRepository accounts;
    private final Authorizer authorizer;
    private final UsageLogger usage;
    private final Set<Long> tagExpirationOptions;

    public NamespaceService(BerthConfig config, Pool pool, AccountRepository accounts, Authorizer authorizer,
                            UsageLogger usage) {
        this.pool = pool;
        this.accounts = accounts;
        this.authorizer = authorizer;
        this.usage = usage;
        this.tagExpirationOptions = config.tagExpirationOptions().stream()
                .map(o -> ConfigLoader.parseDuration(o).toSeconds()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The {@code tag_expiration_s} of a user or organization update body: null when absent, a 400 when it is not a
     * whole number of seconds.
     */
    public static Long tagExpirationOf(JsonObject body) {
        if (!body.containsKey("tag_expiration_s")) return null;
        if (body.getValue("tag_expiration_s") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw invalidOption();
    }

    /**
     * Changes a user's or organization's namespace settings; the caller must administer the namespace. A non-null
     * {@code tagExpirationS} sets how long its removed tags stay restorable: one of {@code TAG_EXPIRATION_OPTIONS}.
     */
    public Future<Account> change(Identity who, Account namespace, Long tagExpirationS, String ip) {
        return authorizer.administersNamespace(pool, who, namespace.username()).compose(admin -> {
            if (!admin) return Future.failedFuture(new BerthException(ErrorCode.DENIED, "Unauthorized"));
            if (tagExpirationS == null) return Future.succeededFuture(namespace);
            if (!tagExpirationOptions.contains(tagExpirationS)) return Future.failedFuture(invalidOption());
            return accounts.setTagExpiration(pool, namespace.id(), tagExpirationS).onSuccess(account -> usage.log(
                    account.isOrganization() ? "org_change_tag_expiration" : "user_change_tag_expiration",
                    account.id(), who, null, ip, new JsonObject().put("tag_expiration", tagExpirationS)
                            .put(account.isOrganization() ? "namespace" : "username", account.username())));
        });
    }

    private static BerthException invalidOption() {
        return new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag expiration option");
    }
}
