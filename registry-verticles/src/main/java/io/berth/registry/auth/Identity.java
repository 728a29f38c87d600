package io.berth.registry.auth;

import java.util.Set;

/**
 * Who is calling. {@code scopes} is null for full access (a password or session login) and otherwise the OAuth
 * scopes that cap what the caller may do. {@code credential} names the revocable credential the caller signed in
 * with, when there is one beside the account itself (a robot's token generation); registry tokens carry it so that
 * {@link Authorizer#current} can refuse them once the credential is replaced; an {@code APP_TOKEN} is a user who
 * signed in with an app-specific token, whose uuid is the credential. {@code token} names the OAuth token and
 * its application when the caller came through one on /api/v1 (the usage log records them), else null. A
 * {@code BUILD} is a Dockerfile build pushing its result with the registry token minted for it; its name
 * ({@code build:<uuid>}) can never be an account's.
 */
public record Identity(Long accountId, String username, Kind kind, Set<String> scopes, String credential,
                       OAuthToken token) {
    public enum Kind { USER, ROBOT, OAUTH, APP_TOKEN, BUILD, ANONYMOUS, SERVICE }

    /** The OAuth token a caller acts through, and the application it was issued to. */
    public record OAuthToken(long id, long applicationId, String applicationName, String clientId) {}

    public static final Identity ANONYMOUS = new Identity(null, "(anonymous)", Kind.ANONYMOUS, Set.of());
    /** Berth itself, as the performer of background work (garbage collection, tag expiry) in the usage log. */
    public static final Identity SERVICE = new Identity(null, "(service)", Kind.SERVICE, Set.of());

    public Identity(Long accountId, String username, Kind kind, Set<String> scopes) {
        this(accountId, username, kind, scopes, null, null);
    }

    public Identity(Long accountId, String username, Kind kind, Set<String> scopes, String credential) {
        this(accountId, username, kind, scopes, credential, null);
    }

    private static final String BUILD_PREFIX = "build:";

    public static Identity build(String buildUuid) {
        return new Identity(null, BUILD_PREFIX + buildUuid, Kind.BUILD, Set.of());
    }

    /** The uuid of the build a {@code BUILD} identity stands for. */
    public java.util.UUID buildUuid() {
        return java.util.UUID.fromString(username.substring(BUILD_PREFIX.length()));
    }

    /** A user signed in with one of its app-specific tokens: the user's rights, for as long as the token lives. */
    public static Identity appToken(long accountId, String username, java.util.UUID tokenUuid) {
        return new Identity(accountId, username, Kind.APP_TOKEN, null, tokenUuid.toString());
    }

    public boolean anonymous() { return kind == Kind.ANONYMOUS; }

    public boolean robot() { return kind == Kind.ROBOT; }

    /** The usage-log performer kind. */
    public String performerKind() {
        return switch (kind) {
            case USER, APP_TOKEN -> "user";
            case ROBOT -> "robot";
            case OAUTH -> "oauth";
            case BUILD -> "build";
            case ANONYMOUS -> "anonymous";
            case SERVICE -> "service";
        };
    }

    public boolean hasScope(String scope) { return scopes == null || OAuthScopes.holds(scopes, scope); }
}
