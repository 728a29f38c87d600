package io.berth.registry.auth;

import java.util.Set;

/**
 * Who is calling. {@code scopes} is null for full access (a password or session login) and otherwise the OAuth
 * scopes that cap what the caller may do. A {@code BUILD} is a Dockerfile build pushing its result with the registry
 * token minted for it; its name ({@code build:<uuid>}) can never be an account's.
 */
public record Identity(Long accountId, String username, Kind kind, Set<String> scopes) {
    public enum Kind { USER, ROBOT, OAUTH, BUILD, ANONYMOUS }

    public static final Identity ANONYMOUS = new Identity(null, "(anonymous)", Kind.ANONYMOUS, Set.of());

    public static Identity build(String buildUuid) {
        return new Identity(null, "build:" + buildUuid, Kind.BUILD, Set.of());
    }

    public boolean anonymous() { return kind == Kind.ANONYMOUS; }

    /** The usage-log performer kind. */
    public String performerKind() {
        return switch (kind) {
            case USER -> "user";
            case ROBOT -> "robot";
            case OAUTH -> "oauth";
            case BUILD -> "build";
            case ANONYMOUS -> "anonymous";
        };
    }

    public boolean hasScope(String scope) { return scopes == null || OAuthScopes.holds(scopes, scope); }
}
