package io.berth.registry.auth;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.RegistryAction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Registry bearer tokens ({@code /v2/auth}): RS256 JWTs carrying Quay's {@code access} and {@code context} claims. */
public final class RegistryTokens {
    public static final int LIFETIME_SECONDS = 3600;
    private static final String APP_TOKEN_KIND = "appspecifictoken";

    private final JWTAuth jwt;
    private final String issuer;
    private final String audience;
    private final String keyId;

    public RegistryTokens(Vertx vertx, Secrets secrets, String issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
        this.keyId = secrets.keyId();
        this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(secrets.signingKeyPem()))
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(secrets.publicKeyPem()))
                .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(30)));
    }

    /** One granted scope entry: a repository path (as requested) and its allowed actions. */
    public record Grant(String name, Set<RegistryAction> actions) {}

    /** What a verified token says: who, and which repositories it may act on. */
    public record Claims(Identity identity, Map<String, Set<RegistryAction>> access) {
        public Set<RegistryAction> actionsOn(String repository) {
            return access.getOrDefault(repository, Set.of());
        }
    }

    public String issue(Identity identity, List<Grant> grants) {
        return issue(identity, grants, LIFETIME_SECONDS);
    }

    /** A token with which a build may pull and push its own repository, and nothing else. */
    public String issueForBuild(String buildUuid, String repository, int lifetimeSeconds) {
        return issue(Identity.build(buildUuid),
                List.of(new Grant(repository, EnumSet.of(RegistryAction.PULL, RegistryAction.PUSH))), lifetimeSeconds);
    }

    private String issue(Identity identity, List<Grant> grants, int lifetimeSeconds) {
        var access = new JsonArray();
        for (Grant g : grants) {
            var actions = new JsonArray();
            g.actions().forEach(a -> actions.add(a.wire()));
            access.add(new JsonObject().put("type", "repository").put("name", g.name()).put("actions", actions));
        }
        var context = new JsonObject()
                .put("version", 2)
                .put("entity_kind", entityKind(identity))
                // Quay names an app-specific token by its uuid
                .put("entity_reference", identity.anonymous() ? null
                        : identity.kind() == Identity.Kind.APP_TOKEN ? identity.credential() : identity.username())
                .put("kind", switch (identity.kind()) {
                    case ANONYMOUS -> "anonymous";
                    case OAUTH -> "oauth";
                    case BUILD -> "build";
                    default -> "user";
                })
                .put("user", identity.anonymous() ? null : identity.username())
                .put("account_id", identity.accountId())
                .put("credential", identity.credential());
        if (identity.scopes() != null) context.put("scopes", new JsonArray(List.copyOf(identity.scopes())));
        var claims = new JsonObject()
                .put("sub", identity.anonymous() ? "(anonymous)" : identity.username())
                .put("access", access)
                .put("context", context);
        return jwt.generateToken(claims, new JWTOptions()
                .setAlgorithm("RS256")
                .setIssuer(issuer)
                .setAudience(List.of(audience))
                .setExpiresInSeconds(lifetimeSeconds)
                .setHeader(new JsonObject().put("kid", keyId)));
    }

    /** Quay's {@code entity_kind}: how the caller signed in. */
    private static String entityKind(Identity identity) {
        return switch (identity.kind()) {
            case ANONYMOUS -> "anonymous";
            case APP_TOKEN -> APP_TOKEN_KIND;
            default -> identity.performerKind();
        };
    }

    public Future<Claims> verify(String token) {
        return jwt.authenticate(new TokenCredentials(token))
                .recover(err -> Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED, "Invalid bearer token")))
                .map(user -> {
                    JsonObject p = user.principal();
                    JsonObject ctx = p.getJsonObject("context", new JsonObject());
                    Identity identity = identityOf(p.getString("sub"), ctx);
                    Map<String, Set<RegistryAction>> access = new LinkedHashMap<>();
                    JsonArray list = p.getJsonArray("access", new JsonArray());
                    for (int i = 0; i < list.size(); i++) {
                        JsonObject entry = list.getJsonObject(i);
                        if (!"repository".equals(entry.getString("type"))) continue;
                        var actions = EnumSet.noneOf(RegistryAction.class);
                        for (Object a : entry.getJsonArray("actions", new JsonArray())) {
                            RegistryAction.fromWire(String.valueOf(a)).ifPresent(actions::add);
                        }
                        access.merge(entry.getString("name"), actions, (x, y) -> {
                            var merged = EnumSet.copyOf(x);
                            merged.addAll(y);
                            return merged;
                        });
                    }
                    return new Claims(identity, access);
                });
    }

    private static Identity identityOf(String subject, JsonObject ctx) {
        String entityKind = ctx.getString("entity_kind", "anonymous");
        if (entityKind.equals("anonymous") || subject == null) return Identity.ANONYMOUS;
        Identity.Kind kind = switch (entityKind) {
            case "robot" -> Identity.Kind.ROBOT;
            case "oauth" -> Identity.Kind.OAUTH;
            case "build" -> Identity.Kind.BUILD;
            case APP_TOKEN_KIND -> Identity.Kind.APP_TOKEN;
            default -> Identity.Kind.USER;
        };
        JsonArray scopes = ctx.getJsonArray("scopes");
        Set<String> scopeSet = scopes == null ? null : Set.copyOf(scopes.getList().stream().map(String::valueOf).toList());
        return new Identity(ctx.getLong("account_id"), subject, kind, scopeSet, ctx.getString("credential"));
    }
}
