package io.berth.model.iam;

/** A repository role; each one includes the ones before it. */
public enum Role {
    NONE, READ, WRITE, ADMIN;

    public boolean atLeast(Role other) { return compareTo(other) >= 0; }

    public static Role max(Role a, Role b) { return a.compareTo(b) >= 0 ? a : b; }

    public String apiName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The role a permission may grant by its API name ({@code read}, {@code write}, {@code admin}); null otherwise. */
    public static Role granted(String apiName) {
        if (apiName == null) return null;
        return switch (apiName) {
            case "read" -> READ;
            case "write" -> WRITE;
            case "admin" -> ADMIN;
            default -> null;
        };
    }
}
