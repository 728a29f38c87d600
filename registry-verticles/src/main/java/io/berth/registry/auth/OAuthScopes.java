package io.berth.registry.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Quay's OAuth scopes: their names, what each lets an application do (for the consent page), and parsing. */
public final class OAuthScopes {
    /** Scope name → what it grants, in the order the consent page lists them. */
    public static final Map<String, String> DESCRIPTIONS;

    static {
        var d = new LinkedHashMap<String, String>();
        d.put("repo:read", "View and pull every repository you can see");
        d.put("repo:write", "View, pull and push every repository you may write to");
        d.put("repo:admin", "Administer every repository you administer");
        d.put("repo:create", "Create repositories in every namespace where you may create them");
        d.put("user:read", "Read your user information, such as your username and e-mail address");
        d.put("user:admin", "Administer your account, including its robots and their permissions");
        d.put("org:admin", "Administer your organizations: teams, members, robots and applications");
        d.put("super:user", "Administer this installation as a superuser: users and organizations");
        DESCRIPTIONS = java.util.Collections.unmodifiableMap(d);
    }

    public static final Set<String> ALL = Set.copyOf(DESCRIPTIONS.keySet());
    /** Scopes that hand over control of an account or more; the consent page warns about them. */
    public static final Set<String> DANGEROUS = Set.of("user:admin", "org:admin", "super:user");

    /** Scopes that include others, as Quay's {@code IMPLIED_SCOPES}: repository admin includes write, write read. */
    private static final Map<String, Set<String>> IMPLIED = Map.of(
            "repo:admin", Set.of("repo:write", "repo:read"),
            "repo:write", Set.of("repo:read"));

    private OAuthScopes() {}

    /** Whether a token with {@code granted} scopes holds {@code scope}, itself or through one that implies it. */
    public static boolean holds(Set<String> granted, String scope) {
        if (granted.contains(scope)) return true;
        for (String g : granted) {
            if (IMPLIED.getOrDefault(g, Set.of()).contains(scope)) return true;
        }
        return false;
    }

    /** The scopes of a space- or comma-separated string, or null when it is empty or names an unknown scope. */
    public static Set<String> parse(String scope) {
        if (scope == null || scope.isBlank()) return null;
        var out = new TreeSet<String>();
        for (String s : scope.trim().split("[\\s,]+")) {
            if (!ALL.contains(s)) return null;
            out.add(s);
        }
        return out;
    }

    /** The scopes of a stored scope string with what each grants, in the consent page's order; unknown ones left out. */
    public static Map<String, String> described(String scope) {
        List<String> granted = scope == null ? List.of() : List.of(scope.trim().split("[\\s,]+"));
        var out = new LinkedHashMap<String, String>();
        DESCRIPTIONS.forEach((name, description) -> {
            if (granted.contains(name)) out.put(name, description);
        });
        return out;
    }

    /** The canonical form stored with a token: sorted, space-separated. */
    public static String format(Set<String> scopes) {
        return String.join(" ", new TreeSet<>(scopes));
    }
}
