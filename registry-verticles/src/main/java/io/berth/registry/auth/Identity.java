package io.berth.registry.auth;

import java.util.Set;

/**
 * Who is calling. {@code scopes} is null for full access (a password or session login) and otherwise the OAuth
 * scopes that cap what the caller may do.
 */
public record Identity(Long accountId, String username, Kind kind, Set<String> scopes) {
    public enum Kind { USER, ROBOT, OAUTH, ANONYMOUS, SERVICE }

    public static final Identity ANONYMOUS = new Identity(null, "(anonymous)", Kind.ANONYMOUS, Set.of());
    /** Berth itself, as the performer of background work (garbage collection, tag expiry) in the usage log. */
    public static final Identity SERVICE = new Identity(null, "(service)", Kind.SERVICE, Set.of());

    public boolean anonymous() { return kind == Kind.ANONYMOUS; }

    /** The usage-log performer kind. */
    public String performerKind() {
        return switch (kind) {
            case USER -> "user";
            case ROBOT -> "robot";
            case OAUTH -> "oauth";
            case ANONYMOUS -> "anonymous";
            case SERVICE -> "service";
        };
    }

    public boolean hasScope(String scope) { return scopes == null || OAuthScopes.holds(scopes, scope); }
}
